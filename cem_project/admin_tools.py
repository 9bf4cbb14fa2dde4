"""Admin building blocks every app uses: a read-only mixin and extension points.

Dependencies run one way (customers <- surveys <- insights), yet an app higher up has things to
add to a lower app's admin pages: the surveys app puts "Send a survey" on the contact list and a
CSV import on the event list. Rather than unregistering the lower app's ModelAdmin and
registering a subclass (which only one app can do, and only if it loads last), the lower app
registers an `ExtensibleAdmin` and the higher app calls `admin_extend(Model, AdminExtension(...))`
from its own admin module. The extensions are read when a page is served or the URLconf built,
after every app's admin module has been imported, so the order of INSTALLED_APPS does not matter.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import Model
from django.http import HttpRequest
from django.urls import URLPattern, reverse


class ReadOnlyMixin:
    """For rows that only services write (the invitation ledger, answers, incoming events): the
    admin shows them and may delete them, never adds or edits. Serves ModelAdmins and inlines."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@dataclass(frozen=True)
class ChangeListTool:
    """A button above a change list, shown to users who hold `permission` (if any)."""

    url_name: str  # e.g. "admin:customers_touchpointevent_import_csv"
    label: str
    permission: str = ""


@dataclass(frozen=True)
class AdminExtension:
    """What one app adds to another app's ModelAdmin.

    actions: admin action functions `(model_admin, request, queryset)`; the function's name is
    the action's name. urls: a function of the model admin returning extra URL patterns, placed
    before the admin's own. tools: buttons above the change list.
    """

    actions: tuple[Callable, ...] = ()
    urls: Callable[[admin.ModelAdmin], list[URLPattern]] | None = None
    tools: tuple[ChangeListTool, ...] = ()


_extensions: dict[type[Model], list[AdminExtension]] = defaultdict(list)


def admin_extend(model: type[Model], extension: AdminExtension) -> None:
    """Adds `extension` to the ExtensibleAdmin of `model`; call it from an app's admin module."""
    _extensions[model].append(extension)


class ExtensibleAdmin(admin.ModelAdmin):
    """A ModelAdmin that other apps extend through `admin_extend` (see the module docstring).
    A subclass with its own change list template should extend this one's."""

    change_list_template = "admin/extensible_change_list.html"

    def extensions(self) -> list[AdminExtension]:
        return _extensions.get(self.model, [])

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for extension in self.extensions():
            for function in extension.actions:
                action = self.get_action(function)
                actions.setdefault(action[1], action)
        return actions

    def get_urls(self) -> list[URLPattern]:
        extra = [
            pattern
            for extension in self.extensions()
            if extension.urls
            for pattern in extension.urls(self)
        ]
        return [*extra, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        tools = [
            (reverse(tool.url_name), tool.label)
            for extension in self.extensions()
            for tool in extension.tools
            if not tool.permission or request.user.has_perm(tool.permission)
        ]
        extra_context = {**(extra_context or {}), "extension_tools": tools}
        return super().changelist_view(request, extra_context)
