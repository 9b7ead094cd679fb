"""Console pages of the service desk's rules: canned replies (variables checked when saved),
keyword auto-replies, assignment rules and the policy (one row). Every save goes through
``service.actions_desk``; a refused save is a form error and changes nothing."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextInputWidget

from zhanggui.console import history
from zhanggui.console.admin.service_forms import agents
from zhanggui.console.mixins import ConsoleModelAdmin, SingletonAdminMixin, adopt
from zhanggui.core.errors import DomainError
from zhanggui.service import actions_desk
from zhanggui.service.models import (
    AssignmentRule,
    AutoReplyRule,
    CannedReply,
    ServicePolicy,
    TicketChannel,
)


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("，", ",").replace("、", ",").split(",") if w.strip()]


class KeywordsField(forms.CharField):
    """Keywords typed as one line, separated by commas (，、 too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", UnfoldAdminTextInputWidget())
        kwargs.setdefault("help_text", _("separated by commas, e.g. 发货, 快递"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return _words(super().to_python(value) or "")


def _check(call) -> None:
    try:
        call()
    except DomainError as exc:
        raise forms.ValidationError(str(exc)) from None


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ("title", "body", "kind", "is_active")

    def clean_body(self):
        body = self.cleaned_data["body"]
        _check(lambda: actions_desk.check_canned_body(body))
        return body


@admin.register(CannedReply)
class CannedReplyAdmin(ConsoleModelAdmin):
    form = CannedReplyForm
    change_form_after_template = history.TEMPLATE
    list_display = ("title", "kind", "is_active", "used_count")
    list_filter = ("kind", "is_active")
    search_fields = ("title", "body")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switched off, never deleted: sent messages name it

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = actions_desk.save_canned_reply(
            obj if change else None, title=data["title"], body=data["body"],
            kind=data.get("kind", ""), is_active=data.get("is_active", False), actor=request.user)
        adopt(obj, saved)


class AutoReplyRuleForm(forms.ModelForm):
    keywords = KeywordsField(label=_("keywords"))
    channels = forms.MultipleChoiceField(label=_("channels"), required=False,
                                         choices=TicketChannel.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("none ticked: every channel"))

    class Meta:
        model = AutoReplyRule
        fields = ("name", "keywords", "reply", "channels", "position", "is_active")

    def clean(self):
        data = super().clean()
        if not self.errors:
            _check(lambda: actions_desk.check_canned_body(data.get("reply", "")))
        return data


@admin.register(AutoReplyRule)
class AutoReplyRuleAdmin(ConsoleModelAdmin):
    form = AutoReplyRuleForm
    change_form_after_template = history.TEMPLATE
    list_display = ("name", "position", "keywords_display", "channels_display", "is_active")
    list_filter = ("is_active",)
    ordering = ("position", "id")

    @admin.display(description=_("keywords"))
    def keywords_display(self, rule: AutoReplyRule) -> str:
        return "、".join(rule.keywords or [])

    @admin.display(description=_("channels"))
    def channels_display(self, rule: AutoReplyRule) -> str:
        labels = dict(TicketChannel.choices)
        return "、".join(str(labels.get(c, c)) for c in rule.channels) or _("every channel")

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = actions_desk.save_auto_reply_rule(
            obj if change else None, name=data["name"], keywords=data["keywords"],
            reply=data["reply"], channels=data.get("channels") or [],
            position=data["position"], is_active=data.get("is_active", False),
            actor=request.user)
        adopt(obj, saved)


class AssignmentRuleForm(forms.ModelForm):
    keywords = KeywordsField(label=_("keywords"), required=False)

    class Meta:
        model = AssignmentRule
        fields = ("name", "position", "channel", "kind", "min_severity", "keywords", "agents",
                  "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "agents" in self.fields:
            self.fields["agents"].queryset = agents()


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(ConsoleModelAdmin):
    form = AssignmentRuleForm
    change_form_after_template = history.TEMPLATE
    list_display = ("name", "position", "channel", "kind", "min_severity", "agents_display",
                    "is_active")
    ordering = ("position", "id")

    @admin.display(description=_("agents"))
    def agents_display(self, rule: AssignmentRule) -> str:
        return "、".join(str(agent) for agent in rule.agents.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agents")

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = actions_desk.save_assignment_rule(
            obj if change else None, name=data["name"], agents=data["agents"],
            channel=data.get("channel", ""), kind=data.get("kind", ""),
            min_severity=data.get("min_severity", ""), keywords=data.get("keywords") or [],
            position=data["position"], is_active=data.get("is_active", False),
            actor=request.user)
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change) -> None:
        """Nothing: the action saved the agents."""


class ServicePolicyForm(forms.ModelForm):
    class Meta:
        model = ServicePolicy
        fields = ("first_response_minutes", "resolution_hours", "working_start", "working_end",
                  "working_days", "inquiry_conversion_hours", "csat_link_days")

    def clean_working_days(self):
        from zhanggui.service import rules

        value = self.cleaned_data["working_days"]
        try:
            rules.parse_working_days(value)
        except ValueError:
            raise forms.ValidationError(_("Digits 1 (Monday) to 7 (Sunday), e.g. 12345.")) from None
        return value


@admin.register(ServicePolicy)
class ServicePolicyAdmin(SingletonAdminMixin, ConsoleModelAdmin):
    """The one policy row: the owner changes it (the desk reads it)."""

    form = ServicePolicyForm
    change_form_after_template = history.TEMPLATE
    list_display = ("__str__", "first_response_minutes", "resolution_hours", "working_start",
                    "working_end", "working_days", "csat_link_days")


    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = actions_desk.save_service_policy(actor=request.user, **{
            name: data[name] for name in ServicePolicyForm.Meta.fields})
        adopt(obj, saved)
