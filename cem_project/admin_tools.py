"""Admin building blocks every app uses: a read-only mixin, the scoping of rows to the accounts
a user may see, and extension points.

Scoping: an admin whose rows belong to accounts mixes in `VisibleAccountsAdminMixin` (an inline:
`VisibleAccountsInlineMixin`) and names `account_path`, the lookup from its model to the account.
The one rule of which accounts a user sees is customers.querysets (`visible_q`); the mixin applies
it to the change list (and so to its filters, search, date drill-down, popups and actions), to the
change, delete and history pages (another team's id is a 404, like a missing one), to the choices
of every foreign key and many-to-many field that points at a scoped model (and so to autocomplete
and validation), and to list filters on such relations.

Dependencies run one way (customers <- surveys <- insights), yet an app higher up has things to
add to a lower app's admin pages: the surveys app puts "Send a survey" on the contact list and a
CSV import on the event list. Rather than unregistering the lower app's ModelAdmin and
registering a subclass (which only one app can do, and only if it loads last), the lower app
registers an `ExtensibleAdmin` and the higher app calls `admin_extend(Model, AdminExtension(...))`
from its own admin module. The extensions are read when a page is served or the URLconf built,
after every app's admin module has been imported, so the order of INSTALLED_APPS does not matter.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import URLPattern, reverse
from django.utils.translation import gettext as _

from customers.querysets import visible_q

security_log = logging.getLogger("cem.security")


class ReadOnlyMixin:
    """For rows that only services write (the invitation ledger, answers, incoming events): the
    admin shows them and may delete them, never adds or edits. Serves ModelAdmins and inlines."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class _VisibleRows:
    """What scoped ModelAdmins and inlines share: their rows, and the choices they offer."""

    account_path: str = ""  # e.g. "pk" (Account), "account", "contact__account"

    def visible_also(self, request: HttpRequest) -> Q | None:
        """Rows visible beyond those of the user's accounts (e.g. what the user created)."""
        return None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if not self.account_path:
            raise NotImplementedError(f"{type(self).__name__} must set account_path")
        q = visible_q(request.user, model=self.model, account_path=self.account_path)
        if q is None:
            return queryset
        also = self.visible_also(request)
        return queryset.filter(q if also is None else q | also)

    def get_field_queryset(self, db, db_field, request: HttpRequest):
        """Choices of a relation to a scoped model are that model's admin's rows for this user
        (Django's own autocomplete reads them the same way)."""
        related = _scoped_admin(self.admin_site, db_field.remote_field.model)
        if related is not None:
            return related.get_queryset(request).using(db)
        return super().get_field_queryset(db, db_field, request)


def _scoped_admin(site: admin.AdminSite, model: type[Model]) -> "_VisibleRows | None":
    try:
        model_admin = site.get_model_admin(model)
    except NotRegistered:
        return None
    return model_admin if isinstance(model_admin, _VisibleRows) else None


class VisibleAccountsAdminMixin(_VisibleRows):
    """A ModelAdmin showing only the rows of the accounts the user may see (module docstring).
    Put it first among the bases."""

    def get_object(self, request: HttpRequest, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            self._log_refusal(request, object_id, from_field)
            # The stock admin redirects to the index; a 404 says no more than "not yours".
            raise Http404(_("No such object."))
        return obj

    def _log_refusal(self, request: HttpRequest, object_id, from_field) -> None:
        field = from_field or "pk"
        try:
            exists = self.model._default_manager.filter(**{field: object_id}).exists()
        except (ValueError, TypeError, ValidationError, FieldDoesNotExist):
            return
        if exists:
            security_log.warning(
                "Out-of-scope %s %s requested in the admin by user %s",
                self.model._meta.label,
                str(object_id)[:40],
                request.user.pk,
            )

    def get_list_filter(self, request: HttpRequest):
        """A filter on a relation to a scoped model lists only the values among the visible
        rows, never every account."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._points_at_scoped_model(entry):
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def _points_at_scoped_model(self, path: str) -> bool:
        model = self.model
        field = None
        for name in path.split("__"):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                return False
            if field.related_model is None:
                return False
            model = field.related_model
        return field is not None and _scoped_admin(self.admin_site, model) is not None


class VisibleAccountsInlineMixin(_VisibleRows):
    """An inline showing only the rows of the accounts the user may see."""


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
