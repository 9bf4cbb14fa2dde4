from django.urls import include, path

from . import views, views_open

app_name = "surveys"

urlpatterns = [
    # Public answering pages: no login, the personal token is the credential.
    path("s/<str:token>/", views.respond, name="respond"),
    path("s/open/<slug:slug>/", views_open.open_respond, name="open_respond"),
    # Staff pages.
    path("surveys/<int:pk>/preview/", views.preview, name="preview"),
    path("", include("surveys.urls_translations")),
    path("", include("surveys.urls_optout")),  # /s/<token>/unsubscribe/
]
