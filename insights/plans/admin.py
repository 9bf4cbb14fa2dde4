"""The admin of plans: targets are edited here as on /action-plans/targets/; plans, their
versions and the generated reports are shown read-only (they are written through the
services: versions, history and links must stay whole). Rows are those of the accounts the
user may see."""

from django.contrib import admin

from cem_project.admin_tools import ReadOnlyMixin, VisibleAccountsAdminMixin

from .models import ActionPlan, ExperienceTarget, PlanChange, PlanVersion, Report


class PlanVersionInline(ReadOnlyMixin, admin.TabularInline):
    model = PlanVersion
    fields = ("number", "published_at", "published_by")
    extra = 0


class PlanChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = PlanChange
    fields = ("created_at", "version", "kind", "actor", "contact", "summary")
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(VisibleAccountsAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    account_path = "account"
    list_display = ("title", "account", "period_start", "period_end", "status", "version")
    list_filter = ("status", "account__vertical_market")
    search_fields = ("title", "account__name")
    list_select_related = ("account",)
    exclude = ("evidence",)
    inlines = [PlanVersionInline, PlanChangeInline]


@admin.register(ExperienceTarget)
class ExperienceTargetAdmin(admin.ModelAdmin):
    list_display = ("__str__", "metric", "value", "starts_on", "due_on", "is_active")
    list_filter = ("metric", "is_active", "vertical_market", "touch_point")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        from .services.targets import target_save

        saved = target_save(
            target=obj if change else None,
            user=request.user,
            data={name: getattr(obj, name) for name in form.cleaned_data if hasattr(obj, name)},
        )
        obj.pk, obj.created_by = saved.pk, saved.created_by


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "kind", "vertical_market", "period_start", "status", "mailed_at")
    list_filter = ("kind", "status", "vertical_market")
    exclude = ("file",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        packs = Report.objects.packs_visible_to(request.user).values("pk")
        return queryset.filter(pk__in=packs) | queryset.filter(requested_by=request.user)
