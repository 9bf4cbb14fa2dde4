from django.urls import include, path

from .views import open_link, optout, preview, respond

app_name = "surveys"

urlpatterns = [
    # Public answering pages: no login, the personal token is the credential.
    path("s/<str:token>/", respond.respond, name="respond"),
    path("s/<str:token>/unsubscribe/", optout.unsubscribe, name="unsubscribe"),
    path("s/open/<slug:slug>/", open_link.open_respond, name="open_respond"),
    # Staff pages.
    path("surveys/<int:pk>/preview/", preview.preview, name="preview"),
    path("", include("surveys.urls_translations")),
]
