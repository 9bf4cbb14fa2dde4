"""Builds the unsaved rows of a year of touch-point events, invitations, responses and answers:
who answered, when, and how, from each account's mood, its vertical's trend over the year and
the touch point. Every draw comes from one random stream, in a fixed order."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from customers.demo import ACCOUNTS
from customers.models import Account, Contact, TouchPointEvent

from ..constants import InvitationStatus, QuestionType, SkipReason
from ..models import Answer, Distribution, Invitation, Question, Response, Survey
from .texts import COMMENTS, RELATIONSHIP

# How satisfied each demo account is, 0..1; it drives the answers. Together with billing it
# places each account in a matrix quadrant: billed > 10M is high value, mood >= 0.6 satisfied.
MOOD = {
    "Northbridge Health System": 0.27,
    "St. Aurelia Hospital Group": 0.80,
    "Shenzhen Kangning Medical Devices": 0.82,
    "Szpital Wojewódzki im. Kopernika": 0.30,
    "Pars Medical Centre": 0.72,
    "Riverside Community Clinics": 0.25,
    "Medivale Diagnostics": 0.78,
    "Beijing Huaxia Hospital": 0.33,
    "Centrum Medyczne Vita": 0.76,
    "Tabriz University Hospital": 0.45,
    "Atlas Precision Engineering": 0.74,
    "Fabryka Maszyn Poznań": 0.28,
    "Ningbo Haitian Components": 0.31,
    "Isfahan Steel Works": 0.69,
    "Great Lakes Tooling": 0.22,
    "Huta Silesia": 0.81,
    "Suzhou Bright Electronics": 0.38,
    "Keystone Plastics": 0.64,
    "Tabesh Automotive Parts": 0.35,
    "Redwood Robotics": 0.78,
    "Harbor & Main Stores": 0.82,
    "Sklepy Społem Warszawa": 0.42,
    "Yonghui Fresh Markets": 0.72,
    "Shahrvand Hypermarkets": 0.30,
    "Bluebell Fashion": 0.77,
    "Żabka Partners Network": 0.36,
    "Chengdu Panda Mall": 0.27,
    "Corner Pantry Co-op": 0.74,
    "Kourosh Home Goods": 0.55,
    "Metro Outfitters": 0.24,
    "State Department of Transportation": 0.30,
    "Urząd Miasta Gdańsk": 0.79,
    "Shanghai Municipal Water Authority": 0.77,
    "Tehran Metro Company": 0.66,
    "County of Marlowe": 0.33,
    "Krajowa Administracja Skarbowa": 0.29,
    "Hangzhou Smart City Office": 0.84,
    "National Weather Service Region 4": 0.50,
    "Shiraz Water Board": 0.26,
    "Eastgate School District": 0.71,
}

# Accounts with no survey activity in the last six weeks, one per vertical market and language
# (at risk or dangling in the customer matrix, so not in the growth pulse): every window of the
# fatigue rules has passed, so a designer's send to their contacts invites them at once.
READY_ACCOUNTS = (
    "Tabriz University Hospital",
    "Ningbo Haitian Components",
    "Sklepy Społem Warszawa",
    "State Department of Transportation",
)
READY_QUIET = timedelta(days=42)

EVENT_PREFIX = "DEMO-"  # the external ids of the demo's events, so that a reset finds them

# How much better (or worse) each vertical got over the year: HiTouch's teams that acted on
# the first relationship results improved; one did not.
VERTICAL_TREND = {"healthcare": 0.12, "manufacturing": 0.10, "retail": -0.06, "public-sector": 0.0}
TOUCH_POINT_OFFSET = {"installation": -0.03, "call-center": -0.06}
# Accounts whose experience changed after the first relationship wave (ten months ago), so
# that the matrix shows movement between the two waves: the shift builds up over the five
# months after that wave and holds since.
STORY_SHIFT = {
    "Beijing Huaxia Hospital": +0.45,  # acted on the first wave: at risk, then model
    "Szpital Wojewódzki im. Kopernika": +0.38,  # dangling, then growth
    "Medivale Diagnostics": -0.6,  # neglected after the first wave: model, then at risk
    "Kourosh Home Goods": -0.3,  # growth, then dangling
}
# Accounts whose every contact answers the relationship waves, so that the story is never lost
# to "too few answers".
STORY_ACCOUNTS = {*STORY_SHIFT, "Northbridge Health System"}
# The weak step of the corridor: in the last complete quarter a new subcontracted installer
# (R. Nowak) left many customers unhappy and the backlog he caused hurt the others a little.
WEAK_TECHNICIAN = "R. Nowak"
WEAK_TECHNICIAN_OFFSET = -0.42
WEAK_QUARTER_OFFSET = -0.08
TECHNICIANS = ("K. Adams", "R. Nowak", "S. Li", "P. Moradi", "J. Ortiz", "D. Kim")
AGENTS = ("Amy", "Bartek", "Chen", "Darya", "Ethan", "Fiona", "Goran")


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


class Generator:
    """Builds unsaved rows for a year of invitations, responses and answers."""

    def __init__(self, *, rng: random.Random, now: datetime, accounts: list[Account]):
        self.rng = rng
        self.now = now
        # name, vertical, language, billed, forecast (customers' table), then the mood.
        rows = {row[0]: (*row, MOOD[row[0]]) for row in ACCOUNTS}
        self.account_info = {a.pk: rows[a.name] for a in accounts}
        self.vertical_code = {a.pk: rows[a.name][1] for a in accounts}
        self.contacts = {}
        for contact in Contact.objects.filter(account__in=accounts, opted_out=False):
            self.contacts.setdefault(contact.account_id, []).append(contact)
        self.accounts = [a for a in accounts if a.pk in self.contacts]
        self.ready = {a.pk for a in self.accounts if a.name in READY_ACCOUNTS}
        # Five contacts of small, unsatisfied accounts stay out of the event streams, so that
        # the contact and account fatigue rules let their pulse invitations, due at seed time,
        # go out when `make demo` starts its worker.
        small = sorted(
            (
                a
                for a in self.accounts
                if self.account_info[a.pk][5] < 0.6 and a.name not in READY_ACCOUNTS
            ),
            key=lambda a: self.account_info[a.pk][3],
        )
        self.quiet: list[Contact] = []
        for account in small:
            # Keep at least one contact of the account in the streams.
            others = [c for c in self.contacts[account.pk] if not c.is_key_contact]
            if others and len(self.contacts[account.pk]) > 1 and len(self.quiet) < 5:
                self.quiet.append(others[0])
        self.stream_contacts = {
            pk: [c for c in contacts if c not in self.quiet]
            for pk, contacts in self.contacts.items()
        }
        # Bigger customers call and install more.
        self.weights = [1.0 + self.account_info[a.pk][3] / 4 for a in self.accounts]
        self.events: list[TouchPointEvent] = []
        self.invitations: list[Invitation] = []
        # invitation index -> (submitted_at, mood)
        self.answered: dict[int, tuple[datetime, float]] = {}

    def mood(
        self, account_id: int, when: datetime, touch_point_code: str = "", offset: float = 0.0
    ) -> float:
        name, base = self.account_info[account_id][0], self.account_info[account_id][5]
        year_fraction = 1 - (self.now - when).days / 365  # 0 a year ago, 1 today
        trend = VERTICAL_TREND[self.vertical_code[account_id]] * (year_fraction - 0.5)
        after_first_wave = min(1.0, max(0.0, (300 - (self.now - when).days) / 150))
        story = STORY_SHIFT.get(name, 0.0) * after_first_wave
        noise = self.rng.gauss(0, 0.08)
        mood = base + trend + story + TOUCH_POINT_OFFSET.get(touch_point_code, 0) + offset
        return min(1.0, max(0.0, mood + noise))

    def weak_quarter(self) -> tuple[datetime, datetime]:
        """The last complete calendar quarter before now: [start, end)."""
        local = timezone.localtime(self.now)
        month = (local.month - 1) // 3 * 3 + 1
        end = local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
        start_month = end.month - 3 if end.month > 3 else end.month + 9
        return end.replace(year=end.year - (end.month <= 3), month=start_month), end

    def installation_offset(self, occurred: datetime, technician: str) -> float:
        start, end = self.weak_quarter()
        if not start <= occurred < end:
            return 0.0
        return WEAK_TECHNICIAN_OFFSET if technician == WEAK_TECHNICIAN else WEAK_QUARTER_OFFSET

    def _invite(self, invitation: Invitation, *, mood: float, rate: float, mean_hours: float):
        """Decides whether and when the contact answered and sets the invitation's state."""
        sent = invitation.sent_at
        answered = self.rng.random() < rate
        submitted = sent + timedelta(hours=self.rng.expovariate(1 / mean_hours) + 0.05)
        if answered and submitted < self.now and submitted < invitation.expires_at:
            invitation.status = InvitationStatus.COMPLETED
            invitation.opened_at = submitted - timedelta(minutes=self.rng.uniform(1, 8))
            invitation.completed_at = submitted
            self.answered[len(self.invitations)] = (submitted, mood)
        else:
            opened = self.rng.random() < 0.35
            if opened:
                invitation.opened_at = sent + timedelta(hours=self.rng.uniform(0.2, 30))
                opened = invitation.opened_at < self.now
                if not opened:
                    invitation.opened_at = None
            if invitation.expires_at <= self.now:
                invitation.status = InvitationStatus.EXPIRED
            else:
                invitation.status = InvitationStatus.OPENED if opened else InvitationStatus.SENT
        self.invitations.append(invitation)

    def transaction_stream(
        self, *, survey: Survey, distribution: Distribution, count: int, rate: float
    ):
        touch_point = survey.touch_point
        code = touch_point.code
        for i in range(count):
            account = self.rng.choices(self.accounts, self.weights)[0]
            contact = self.rng.choice(self.stream_contacts[account.pk])
            occurred = self.now - timedelta(seconds=self.rng.uniform(3 * 3600, 365 * 86400))
            if account.pk in self.ready and self.now - occurred < READY_QUIET:
                occurred -= READY_QUIET  # the ready accounts' recent weeks stay quiet
            offset = 0.0
            if code == "installation":
                attributes = {
                    "order": f"SO-{240000 + i}",
                    "technician": self.rng.choice(TECHNICIANS),
                }
                offset = self.installation_offset(occurred, attributes["technician"])
            else:
                attributes = {
                    "queue": self.rng.choice(("orders", "billing", "repair", "general")),
                    "agent": self.rng.choice(AGENTS),
                }
            event = TouchPointEvent(
                external_id=f"{EVENT_PREFIX}{code.upper()}-{i + 1:05d}",
                account=account,
                contact=contact,
                touch_point=touch_point,
                occurred_at=occurred,
                attributes=attributes,
            )
            self.events.append(event)
            sent = occurred + survey.send_delay + timedelta(minutes=self.rng.uniform(0, 20))
            invitation = Invitation(
                survey=survey,
                distribution=distribution,
                contact=contact,
                event=event,
                send_after=occurred + survey.send_delay,
                expires_at=sent + timedelta(days=survey.field_period_days),
            )
            if sent >= self.now:
                invitation.status = InvitationStatus.PENDING
                self.invitations.append(invitation)
                continue
            if self.rng.random() < 0.03:
                # The contact was surveyed a few days before: the fatigue rule held this one back.
                invitation.status = InvitationStatus.SKIPPED
                invitation.skip_reason = SkipReason.CONTACT_FATIGUE
                self.invitations.append(invitation)
                continue
            invitation.sent_at = sent
            invitation.attempts = 1
            mood = self.mood(account.pk, occurred, code, offset)
            self._invite(invitation, mood=mood, rate=rate, mean_hours=20)

    def wave(self, *, survey: Survey, distribution: Distribution, opens: datetime, closes):
        for account in self.accounts:
            for contact in self.contacts[account.pk]:
                sent = opens + timedelta(minutes=self.rng.uniform(0, 90))
                invitation = Invitation(
                    survey=survey,
                    distribution=distribution,
                    contact=contact,
                    send_after=opens,
                    sent_at=sent,
                    expires_at=closes,
                    attempts=1,
                    reminders_sent=self.rng.choice((0, 1, 1, 2)),
                )
                # Account teams follow their relationship surveys up: most contacts answer.
                rate = 0.9 if contact.is_key_contact else 0.75
                if account.name in STORY_ACCOUNTS:
                    rate = 1.0  # their teams make sure every contact answers
                self._invite(invitation, mood=self.mood(account.pk, sent), rate=rate, mean_hours=96)

    def pulse(self, *, survey: Survey, distribution: Distribution, opens: datetime, sample):
        for contact in sample:
            invitation = Invitation(
                survey=survey,
                distribution=distribution,
                contact=contact,
                send_after=opens,
                sent_at=opens + timedelta(minutes=self.rng.uniform(0, 30)),
                expires_at=opens + timedelta(days=survey.field_period_days),
                attempts=1,
            )
            self._invite(
                invitation, mood=self.mood(contact.account_id, opens), rate=0.5, mean_hours=60
            )

    # ---------------------------------------------------------------- answers

    def comment(self, language: str, tone: str, about: str) -> str:
        """A comment in `language` about the touch point `about` (else the relationship)."""
        texts = COMMENTS.get(language, COMMENTS["en"])
        return self.rng.choice(texts.get(about, texts[RELATIONSHIP])[tone])

    def answers_for(self, response: Response, questions: list[Question], mood: float):
        rng = self.rng
        rows = []
        tone = "mid"
        for question in questions:
            # The answer copies the response's survey, account, touch point and time.
            copied = {
                "response": response,
                "question_type": question.type,
                "survey_id": response.survey_id,
                "account_id": response.account_id,
                "touch_point_id": response.touch_point_id,
                "submitted_at": response.submitted_at,
            }
            answer = Answer(**copied, question=question)
            qtype = question.type
            if qtype == QuestionType.NPS:
                answer.number = clamp(rng.gauss(3.5 + 7 * mood, 1.5), 0, 10)
                tone = "pos" if answer.number >= 9 else "neg" if answer.number <= 6 else "mid"
            elif qtype == QuestionType.RATING and response.touch_point_id is None:
                # CSAT outside a touch point (the relationship survey's, the pulse's) draws from
                # a stream of its own, so that adding it to the relationship template left the
                # other seeded values, and so the demo's story, as they were.
                own = random.Random(f"csat:{response.contact_id}:{response.submitted_at}")
                answer.number = clamp(own.gauss(1.3 + 3.7 * mood, 0.7), 1, 5)
            elif qtype == QuestionType.RATING:
                answer.number = clamp(rng.gauss(1.3 + 3.7 * mood, 0.7), 1, 5)
            elif qtype == QuestionType.EFFORT:
                answer.number = clamp(rng.gauss(1.5 + 5.2 * mood, 1.0), 1, 7)
                tone = "pos" if answer.number >= 6 else "neg" if answer.number <= 3 else "mid"
            elif qtype in (QuestionType.CX_NEEDS, QuestionType.CX_EASE, QuestionType.CX_EMOTION):
                answer.number = clamp(rng.gauss(1.1 + 3.6 * mood, 0.7), 1, 5)
            elif qtype == QuestionType.SINGLE_CHOICE:
                choices = list(question.choices.all())
                if question.text == "Was your issue resolved?":
                    by_value = {c.value: c for c in choices}
                    p = rng.random()
                    value = "yes" if p < mood + 0.15 else "partly" if p < mood + 0.4 else "no"
                    answer.choice = by_value.get(value, choices[0])
                else:
                    answer.choice = rng.choices(choices, weights=(5, 4, 2, 3, 2)[: len(choices)])[0]
            elif qtype == QuestionType.MULTIPLE_CHOICE:
                choices = list(question.choices.all())
                if rng.random() < 0.3:
                    continue
                for choice in rng.sample(choices, rng.randint(1, 3)):
                    rows.append(Answer(**copied, question=question, choice=choice))
                continue
            elif qtype == QuestionType.TEXT:
                if rng.random() > (0.45 if tone != "mid" else 0.2):
                    continue
                about = response.touch_point.code if response.touch_point else RELATIONSHIP
                answer.text = self.comment(response.language, tone, about)
            rows.append(answer)
        return rows
