from django.urls import path

from .views import ActionPlanDetailApi, ActionPlanListCreateApi

urlpatterns = [
    path("action-plans/", ActionPlanListCreateApi.as_view(), name="action-plans"),
    path("action-plans/<int:pk>/", ActionPlanDetailApi.as_view(), name="action-plan"),
]
