"""The customer's link to a shared plan (no login; the token is the credential)."""

from django.urls import path

from .views import public

app_name = "plans_public"

urlpatterns = [
    path("<str:token>/", public.plan_view, name="plan"),
    path("<str:token>/acknowledge/", public.plan_acknowledge_view, name="acknowledge"),
    path(
        "<str:token>/actions/<int:action_id>/comments/",
        public.plan_comment_view,
        name="comment",
    ),
    path("<str:token>/pdf/", public.plan_pdf_view, name="pdf"),
]
