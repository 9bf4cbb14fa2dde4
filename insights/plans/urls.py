"""Staff pages of action plans, targets, exports and the monthly reviews: /action-plans/."""

from django.urls import path

from .views import plans, reports, targets

app_name = "plans"

urlpatterns = [
    path("", plans.plan_list_view, name="list"),
    path("new/", plans.plan_create_view, name="create"),
    path("<int:pk>/", plans.plan_detail_view, name="detail"),
    path("<int:pk>.pdf", plans.plan_pdf_view, name="pdf"),
    path("<int:pk>/edit/", plans.plan_edit_view, name="edit"),
    path("<int:pk>/verbatims/", plans.plan_verbatims_view, name="verbatims"),
    path("<int:pk>/evidence/", plans.plan_evidence_view, name="evidence"),
    path("<int:pk>/publish/", plans.plan_publish_view, name="publish"),
    path("<int:pk>/shares/<int:share_id>/revoke/", plans.share_revoke_view, name="revoke"),
    path("<int:pk>/actions/<int:action_id>/follow-up/", plans.follow_up_view, name="follow_up"),
    path("export/", reports.export_view, name="export"),
    path("exports/<int:report_id>/", reports.export_status_view, name="export_status"),
    path(
        "exports/<int:report_id>/download/",
        reports.export_download_view,
        name="export_download",
    ),
    path("reviews/", reports.review_list_view, name="reviews"),
    path("reviews/<int:report_id>.pdf", reports.review_download_view, name="review_pdf"),
    path("reviews/<int:report_id>/retry/", reports.review_retry_view, name="review_retry"),
    path("targets/", targets.target_list_view, name="targets"),
    path("targets/new/", targets.target_edit_view, name="target_create"),
    path("targets/<int:pk>/edit/", targets.target_edit_view, name="target_edit"),
]
