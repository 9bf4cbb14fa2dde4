"""The customers side of the demo, in the spirit of the HiTouch case: four vertical markets, a
corridor of touch points, the staff users who serve the accounts, ~40 accounts with revenue,
account teams and contacts, and one fresh account for trying the event API.

Everything is generated from a fixed seed, so two runs produce the same accounts and contacts;
what exists is kept (`update_or_create`, or skipped when already there). `manage.py seed_demo`
(insights/management/commands/seed_demo.py) runs this first, then the surveys demo.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from .constants import BusinessFunction, Channel, Language
from .models import Account, AccountRevenue, Contact, TouchPoint, VerticalMarket

DEMO_PASSWORD_DEFAULT = "cem-demo"  # noqa: S105 (a demo login, printed on purpose)
EXTERNAL_ID_PREFIX = "HT-"
CURRENCY = "USD"
LANGUAGES = [Language.ENGLISH, Language.SIMPLIFIED_CHINESE, Language.POLISH, Language.PERSIAN]

# ------------------------------------------------------------------ reference data

VERTICALS = (
    ("healthcare", "Healthcare"),
    ("manufacturing", "Manufacturing"),
    ("retail", "Retail"),
    ("public-sector", "Public sector"),
)

# code, name, channel, owning function (the order is the customer corridor)
CORRIDOR = (
    ("ordering", "Ordering", Channel.WEB, BusinessFunction.ACCOUNT_TEAMS),
    ("delivery", "Delivery", Channel.FIELD, BusinessFunction.LOGISTICS),
    ("installation", "Installation", Channel.FIELD, BusinessFunction.SERVICE_OPERATIONS),
    ("billing", "Billing", Channel.MAIL, BusinessFunction.FINANCE),
    ("repair", "Repair", Channel.FIELD, BusinessFunction.SERVICE_OPERATIONS),
    ("call-center", "Call center", Channel.PHONE, BusinessFunction.SERVICE_OPERATIONS),
)

# Role keys of cem_project/roles.py; the demo driver (insights/demo.py) gives each user theirs.
GM, AM = "general_manager", "account_team_member"

# username, full name, vertical code ("" = none), role. A general manager manages their vertical
# market (VerticalMarket.general_managers); account managers are on some of its accounts' teams.
STAFF = (
    ("gm.healthcare", "Helen Gardner", "healthcare", GM),
    ("gm.manufacturing", "Marek Zając", "manufacturing", GM),
    ("gm.retail", "Lin Chen", "retail", GM),
    ("gm.public", "Dariush Farahani", "public-sector", GM),
    ("am.olivia", "Olivia Brooks", "healthcare", AM),
    ("am.tomasz", "Tomasz Lis", "healthcare", AM),
    ("am.james", "James Whitaker", "manufacturing", AM),
    ("am.mina", "Mina Rostami", "manufacturing", AM),
    ("am.wei", "Zhang Wei", "retail", AM),
    ("am.grace", "Grace Holloway", "retail", AM),
    ("am.ewa", "Ewa Nowicka", "public-sector", AM),
    ("am.samuel", "Samuel Okafor", "public-sector", AM),
    ("analyst", "Ana Lytics", "", "analyst"),
    ("designer", "Sofia Lindqvist", "", "survey_designer"),
    ("executive", "Edward Kim", "", "executive"),
    ("specialist.service", "Priya Nair", "", "specialist"),
)

# A key account whose named general manager comes from another vertical market (its executive
# sponsor): that GM sees it besides their own market's accounts.
NAMED_GM = {"Shanghai Municipal Water Authority": "gm.healthcare"}

# name, vertical, home language, billed (millions, this year), forecast (millions). Billing over
# 10M is high value in the customer matrix; how satisfied each account is belongs to the surveys
# demo (surveys/demo/activity.py: MOOD).
ACCOUNTS = (
    ("Northbridge Health System", "healthcare", "en", 22.5, 9.0),
    ("St. Aurelia Hospital Group", "healthcare", "en", 14.2, 3.1),
    ("Shenzhen Kangning Medical Devices", "healthcare", "zh-hans", 4.8, 7.5),
    ("Szpital Wojewódzki im. Kopernika", "healthcare", "pl", 6.3, 1.2),
    ("Pars Medical Centre", "healthcare", "fa", 2.1, 0.8),
    ("Riverside Community Clinics", "healthcare", "en", 1.4, 0.3),
    ("Medivale Diagnostics", "healthcare", "en", 11.8, 2.5),
    ("Beijing Huaxia Hospital", "healthcare", "zh-hans", 17.9, 4.4),
    ("Centrum Medyczne Vita", "healthcare", "pl", 3.6, 2.9),
    ("Tabriz University Hospital", "healthcare", "fa", 8.9, 1.0),
    ("Atlas Precision Engineering", "manufacturing", "en", 24.1, 5.2),
    ("Fabryka Maszyn Poznań", "manufacturing", "pl", 19.3, 2.0),
    ("Ningbo Haitian Components", "manufacturing", "zh-hans", 12.6, 6.8),
    ("Isfahan Steel Works", "manufacturing", "fa", 15.7, 3.3),
    ("Great Lakes Tooling", "manufacturing", "en", 3.2, 0.6),
    ("Huta Silesia", "manufacturing", "pl", 7.4, 5.9),
    ("Suzhou Bright Electronics", "manufacturing", "zh-hans", 5.5, 1.1),
    ("Keystone Plastics", "manufacturing", "en", 0.9, 0.2),
    ("Tabesh Automotive Parts", "manufacturing", "fa", 2.7, 0.5),
    ("Redwood Robotics", "manufacturing", "en", 9.6, 8.2),
    ("Harbor & Main Stores", "retail", "en", 20.4, 4.0),
    ("Sklepy Społem Warszawa", "retail", "pl", 4.1, 0.7),
    ("Yonghui Fresh Markets", "retail", "zh-hans", 16.8, 5.5),
    ("Shahrvand Hypermarkets", "retail", "fa", 10.9, 2.2),
    ("Bluebell Fashion", "retail", "en", 2.5, 1.8),
    ("Żabka Partners Network", "retail", "pl", 13.3, 3.6),
    ("Chengdu Panda Mall", "retail", "zh-hans", 1.8, 0.4),
    ("Corner Pantry Co-op", "retail", "en", 0.6, 0.9),
    ("Kourosh Home Goods", "retail", "fa", 3.9, 0.6),
    ("Metro Outfitters", "retail", "en", 7.7, 1.4),
    ("State Department of Transportation", "public-sector", "en", 18.6, 7.1),
    ("Urząd Miasta Gdańsk", "public-sector", "pl", 5.2, 2.4),
    ("Shanghai Municipal Water Authority", "public-sector", "zh-hans", 21.7, 3.8),
    ("Tehran Metro Company", "public-sector", "fa", 12.4, 1.9),
    ("County of Marlowe", "public-sector", "en", 1.1, 0.2),
    ("Krajowa Administracja Skarbowa", "public-sector", "pl", 9.1, 1.3),
    ("Hangzhou Smart City Office", "public-sector", "zh-hans", 6.6, 5.0),
    ("National Weather Service Region 4", "public-sector", "en", 3.0, 0.5),
    ("Shiraz Water Board", "public-sector", "fa", 0.4, 0.1),
    ("Eastgate School District", "public-sector", "en", 2.2, 1.6),
)

# Names are (display name, ASCII handle for the e-mail address).
_EN_FIRST = (
    "Emma", "Oliver", "Sophia", "James", "Olivia", "William", "Ava", "Benjamin", "Mia", "Lucas",
    "Charlotte", "Henry", "Amelia", "Daniel", "Grace", "Samuel", "Chloe", "Jack", "Ruby", "Thomas",
)  # fmt: skip
_EN_LAST = (
    "Carter", "Hughes", "Bennett", "Foster", "Morgan", "Reed", "Parker", "Collins", "Turner",
    "Brooks", "Hayes", "Mitchell", "Ward", "Price", "Sullivan", "Hart",
)  # fmt: skip
_ZH_SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
)  # fmt: skip
_ZH_GIVEN = (
    ("伟", "wei"), ("娜", "na"), ("敏", "min"), ("洋", "yang"), ("静", "jing"), ("磊", "lei"),
    ("丽", "li"), ("强", "qiang"), ("杰", "jie"), ("霞", "xia"), ("芳", "fang"), ("军", "jun"),
    ("婷", "ting"), ("涛", "tao"), ("欣怡", "xinyi"), ("子涵", "zihan"), ("浩然", "haoran"),
)  # fmt: skip
_PL_FIRST = (
    ("Piotr", "m"), ("Tomasz", "m"), ("Michał", "m"), ("Paweł", "m"), ("Krzysztof", "m"),
    ("Marcin", "m"), ("Jakub", "m"), ("Łukasz", "m"), ("Anna", "f"), ("Katarzyna", "f"),
    ("Agnieszka", "f"), ("Magdalena", "f"), ("Joanna", "f"), ("Małgorzata", "f"), ("Ewa", "f"),
    ("Zofia", "f"),
)  # fmt: skip
_PL_LAST = (
    ("Kowalski", "Kowalska"), ("Nowak", "Nowak"), ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"),
)  # fmt: skip
_FA_FIRST = (
    ("مریم", "maryam"), ("علی", "ali"), ("زهرا", "zahra"), ("حسین", "hossein"),
    ("فاطمه", "fatemeh"), ("رضا", "reza"), ("نرگس", "narges"), ("مهدی", "mehdi"),
    ("سارا", "sara"), ("امیر", "amir"), ("لیلا", "leila"), ("محمد", "mohammad"),
)  # fmt: skip
_FA_LAST = (
    ("احمدی", "ahmadi"), ("رضایی", "rezaei"), ("محمدی", "mohammadi"), ("کریمی", "karimi"),
    ("حسینی", "hosseini"), ("موسوی", "mousavi"), ("جعفری", "jafari"), ("صادقی", "sadeghi"),
    ("رحیمی", "rahimi"), ("قاسمی", "ghasemi"), ("تهرانی", "tehrani"),
)  # fmt: skip

ROLES = (
    "Head of Procurement", "Operations Manager", "Facilities Manager", "IT Director",
    "Chief Financial Officer", "Site Engineer", "Purchasing Officer", "Quality Manager",
)  # fmt: skip
KEY_ROLES = ("Chief Operating Officer", "Head of Procurement", "Managing Director")


# ------------------------------------------------------------------ helpers


def _ascii(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _domain(name: str) -> str:
    words = [w for w in _ascii(name).replace("&", " ").replace(".", " ").split() if w.isalnum()]
    return "-".join(words[:2]) + ".example"


def _person(rng: random.Random, language: str) -> tuple[str, str]:
    """A realistic name in the contact's language and an ASCII handle for the address."""
    if language == Language.SIMPLIFIED_CHINESE:
        (surname, s_handle), (given, g_handle) = rng.choice(_ZH_SURNAMES), rng.choice(_ZH_GIVEN)
        return surname + given, f"{g_handle}.{s_handle}"
    if language == Language.POLISH:
        first, gender = rng.choice(_PL_FIRST)
        male, female = rng.choice(_PL_LAST)
        last = male if gender == "m" else female
        return f"{first} {last}", f"{_ascii(first)}.{_ascii(last)}"
    if language == Language.PERSIAN:
        (first, f_handle), (last, l_handle) = rng.choice(_FA_FIRST), rng.choice(_FA_LAST)
        return f"{first} {last}", f"{f_handle}.{l_handle}"
    first, last = rng.choice(_EN_FIRST), rng.choice(_EN_LAST)
    return f"{first} {last}", f"{first}.{last}".lower()


# ------------------------------------------------------------------ seeds


def demo_staff_seed(*, password: str) -> dict[str, object]:
    """The admin superuser and a user of each role. Their roles (groups of cem_project/roles.py)
    grant permissions in every app, so the driver gives them: insights/demo.py."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@hitouch.example"}
    )
    # Hash once: a password hash costs a third of a second by design.
    hashed = make_password(password)
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.password = hashed
    admin.save()

    users: dict[str, object] = {"admin": admin}
    for username, full_name, _vertical, _role in STAFF:
        first, _sep, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@hitouch.example",
                "is_staff": True,
            },
        )
        if created:
            user.password = hashed
            user.save(update_fields=["password"])
        users[username] = user
    return users


def demo_reference_seed() -> tuple[dict[str, VerticalMarket], dict[str, TouchPoint]]:
    verticals = {}
    for code, name in VERTICALS:
        verticals[code], _ = VerticalMarket.objects.update_or_create(
            code=code, defaults={"name": name}
        )
    touch_points = {}
    for position, (code, name, channel, function) in enumerate(CORRIDOR, start=1):
        touch_points[code], _ = TouchPoint.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "channel": channel,
                "owning_function": function,
                "corridor_position": position * 10,
                "is_active": True,
            },
        )
    return verticals, touch_points


def demo_accounts_seed(
    *, verticals: dict[str, VerticalMarket], users: dict[str, object], seed: int, today: date
) -> list[Account]:
    """Accounts with revenue for this and last year, account teams and 3-6 contacts each."""
    accounts = []
    team_by_vertical: dict[str, list] = {}
    gm_by_vertical = {}
    for username, _name, vertical, role in STAFF:
        if role == AM:
            team_by_vertical.setdefault(vertical, []).append(users[username])
        elif role == GM:
            gm_by_vertical[vertical] = users[username]
    for code, manager in gm_by_vertical.items():
        verticals[code].general_managers.set([manager])

    existing_contacts = set(Contact.objects.values_list("account__external_id", "email"))
    existing_revenue = set(
        AccountRevenue.objects.values_list("account__external_id", "period_start")
    )
    new_contacts, new_revenue = [], []
    for index, (name, vertical, language, billed, forecast) in enumerate(ACCOUNTS):
        external_id = f"{EXTERNAL_ID_PREFIX}{1001 + index}"
        rng = random.Random(f"{seed}:{external_id}")
        account, _ = Account.objects.update_or_create(
            external_id=external_id,
            defaults={
                "name": name,
                "vertical_market": verticals[vertical],
                "general_manager": users[NAMED_GM[name]]
                if name in NAMED_GM
                else gm_by_vertical[vertical],
            },
        )
        team = team_by_vertical[vertical]
        account.account_team.set(rng.sample(team, rng.randint(1, len(team))))
        accounts.append(account)

        # Draw every random number before deciding what exists, so that a second run draws
        # the same sequence and finds the same contacts.
        last_year = (rng.uniform(0.8, 1.15), rng.uniform(0.7, 1.0))
        for years_back, (billed_factor, forecast_factor) in ((0, (1.0, 1.0)), (1, last_year)):
            start = date(today.year - years_back, 1, 1)
            if (external_id, start) in existing_revenue:
                continue
            new_revenue.append(
                AccountRevenue(
                    account=account,
                    period_start=start,
                    period_end=date(start.year, 12, 31),
                    billed=Decimal(f"{billed * billed_factor * 1_000_000:.2f}"),
                    forecast=Decimal(f"{forecast * forecast_factor * 1_000_000:.2f}"),
                    currency=CURRENCY,
                )
            )

        domain = _domain(name)
        emails = set()
        for position in range(rng.randint(3, 6)):
            # Most contacts speak the account's language; international accounts mix in English.
            contact_language = language if rng.random() < 0.8 else rng.choice(LANGUAGES)
            full_name, handle = _person(rng, contact_language)
            email = f"{handle}@{domain}"
            while email in emails:
                email = f"{handle}{rng.randint(2, 99)}@{domain}"
            emails.add(email)
            is_key = position == 0
            contact = Contact(
                account=account,
                name=full_name,
                email=email,
                language=contact_language,
                role=rng.choice(KEY_ROLES if is_key else ROLES),
                is_key_contact=is_key or rng.random() < 0.15,
                # A few contacts asked not to be surveyed again.
                opted_out=not is_key and rng.random() < 0.03,
            )
            if (external_id, email) not in existing_contacts:
                new_contacts.append(contact)
    for contact in new_contacts:
        if contact.opted_out:
            contact.opted_out_at = timezone.now() - timedelta(days=90)
    Contact.objects.bulk_create(new_contacts)
    AccountRevenue.objects.bulk_create(new_revenue)
    return accounts


# A customer with no survey history yet, so that an event a demo user posts for one of these
# contacts passes the fatigue rules and the call-center survey's mail goes out at once.
EVENT_ACCOUNT = (f"{EXTERNAL_ID_PREFIX}CALLS", "Harbourline Logistics", "manufacturing")
EVENT_CONTACTS = (
    ("Sam Rivera", "sam.rivera@harbourline.example", "en"),
    ("Wang Fang", "wang.fang@harbourline.example", "zh-hans"),
    ("Anna Kowalska", "anna.kowalska@harbourline.example", "pl"),
    ("Sara Karimi", "sara.karimi@harbourline.example", "fa"),
)


def demo_event_contacts_seed(*, verticals: dict[str, VerticalMarket], users) -> list[Contact]:
    external_id, name, vertical = EVENT_ACCOUNT
    account, _ = Account.objects.update_or_create(
        external_id=external_id,
        defaults={"name": name, "vertical_market": verticals[vertical]},
    )
    account.account_team.add(users["admin"])
    return [
        Contact.objects.get_or_create(
            account=account,
            email=email,
            defaults={"name": contact_name, "language": language, "role": "Dispatcher"},
        )[0]
        for contact_name, email, language in EVENT_CONTACTS
    ]


# ------------------------------------------------------------------ entry points


@dataclass(frozen=True)
class CustomersDemo:
    users: dict[str, object]  # username -> user, "admin" included
    verticals: dict[str, VerticalMarket]
    touch_points: dict[str, TouchPoint]
    accounts: list[Account]  # the HiTouch customers, without the event-demo account
    event_contacts: list[Contact]


def customers_demo_seed(*, password: str, seed: int, today: date) -> CustomersDemo:
    """Staff users, reference data, accounts with revenue, teams and contacts; idempotent."""
    users = demo_staff_seed(password=password)
    verticals, touch_points = demo_reference_seed()
    accounts = demo_accounts_seed(verticals=verticals, users=users, seed=seed, today=today)
    event_contacts = demo_event_contacts_seed(verticals=verticals, users=users)
    return CustomersDemo(
        users=users,
        verticals=verticals,
        touch_points=touch_points,
        accounts=accounts,
        event_contacts=event_contacts,
    )


def customers_demo_reset() -> None:
    """Removes the demo's accounts (with their contacts and revenue) and its staff users.
    Reference data (markets, touch points) stays: other rows may point at it."""
    Account.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).delete()
    get_user_model().objects.filter(username__in=[row[0] for row in STAFF]).delete()
