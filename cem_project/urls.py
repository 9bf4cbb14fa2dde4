from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .auth import login_attempts_limited

api_v1 = [
    path("", include("customers.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("insights.api.urls")),
    path("", include("insights.cases.api.urls")),
    path("", include("insights.plans.api.urls")),
]

# The stock admin, named for the product; "View site" opens the results pages.
admin.site.site_header = _("CEM administration")
admin.site.site_title = _("CEM admin")
admin.site.index_title = _("Surveys, customers and sending")
admin.site.site_url = "/insights/"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Browsers ask for /favicon.ico where a page names no icon (the admin, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"), permanent=False)),
    # Before the admin's own: the same login view, counted per address (the lockout per
    # username and address is django-axes').
    path("admin/login/", login_attempts_limited(admin.site.login)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("surveys.urls")),
    path("insights/", include("insights.urls")),
    path("cases/", include("insights.cases.urls")),
    path("action-plans/", include("insights.plans.urls")),
    path("p/", include("insights.plans.urls_public")),
    path("api/v1/", include(api_v1)),
    # Staff only: the schema maps every endpoint and field (SERVE_PERMISSIONS: a token or a
    # staff session); the docs page sends others to the admin's login.
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split: the page's start-up script is a file of its own, so the page needs no inline script.
    path(
        "api/docs/",
        staff_member_required(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
]
