"""Demo data in the spirit of the HiTouch case: four vertical markets, ~40 accounts, a corridor
of touch points, one live survey of each kind and a year of answers.

Everything is generated from a fixed seed, so two runs produce the same accounts and contacts;
the year of activity is written once (a second run finds it and skips it). Rows are written with
`bulk_create`: the services would send signals and mails for every answer, which a year of
history must not do.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from customers.constants import BusinessFunction, Channel, Language
from customers.models import (
    Account,
    AccountRevenue,
    Contact,
    TouchPoint,
    TouchPointEvent,
    VerticalMarket,
)

from .constants import (
    Audience,
    DistributionOrigin,
    InquiryKind,
    InvitationStatus,
    QuestionType,
    ResponseStatus,
    SkipReason,
    SurveyKind,
    SurveyStatus,
    WaveStatus,
)
from .models import (
    Answer,
    Choice,
    Distribution,
    Inquiry,
    Invitation,
    PulseSegment,
    Question,
    RelationshipProgramme,
    Response,
    Survey,
    SurveyTranslation,
    Wave,
)
from .receivers import survey_touch
from .services.templates import survey_create_from_template

DEMO_PASSWORD_DEFAULT = "cem-demo"  # noqa: S105 (a demo login, printed on purpose)
EXTERNAL_ID_PREFIX = "HT-"
EVENT_PREFIX = "DEMO-"
CURRENCY = "USD"
LANGUAGES = [Language.ENGLISH, Language.SIMPLIFIED_CHINESE, Language.POLISH, Language.PERSIAN]

SLUG_INSTALLATION = "demo-installation-nps"
SLUG_CALL_CENTER = "demo-call-center-effort"
SLUG_RELATIONSHIP = "demo-relationship"
SLUG_PULSE = "demo-pulse-next-services"
DEMO_SLUGS = (SLUG_INSTALLATION, SLUG_CALL_CENTER, SLUG_RELATIONSHIP, SLUG_PULSE)

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

# username, full name, vertical code ("" = all), role
STAFF = (
    ("gm.healthcare", "Helen Gardner", "healthcare", "gm"),
    ("gm.manufacturing", "Marek Zając", "manufacturing", "gm"),
    ("gm.retail", "Lin Chen", "retail", "gm"),
    ("gm.public", "Dariush Farahani", "public-sector", "gm"),
    ("am.olivia", "Olivia Brooks", "healthcare", "am"),
    ("am.tomasz", "Tomasz Lis", "healthcare", "am"),
    ("am.james", "James Whitaker", "manufacturing", "am"),
    ("am.mina", "Mina Rostami", "manufacturing", "am"),
    ("am.wei", "Zhang Wei", "retail", "am"),
    ("am.grace", "Grace Holloway", "retail", "am"),
    ("am.ewa", "Ewa Nowicka", "public-sector", "am"),
    ("am.samuel", "Samuel Okafor", "public-sector", "am"),
    ("analyst", "Ana Lytics", "", "analyst"),
)

# name, vertical, home language, billed (millions, this year), forecast (millions), mood 0..1.
# Mood drives the answers; together with billing it places each account in a matrix quadrant:
# billed > 10M is high value, mood >= 0.6 is satisfied.
ACCOUNTS = (
    ("Northbridge Health System", "healthcare", "en", 22.5, 9.0, 0.33),
    ("St. Aurelia Hospital Group", "healthcare", "en", 14.2, 3.1, 0.80),
    ("Shenzhen Kangning Medical Devices", "healthcare", "zh-hans", 4.8, 7.5, 0.82),
    ("Szpital Wojewódzki im. Kopernika", "healthcare", "pl", 6.3, 1.2, 0.30),
    ("Pars Medical Centre", "healthcare", "fa", 2.1, 0.8, 0.72),
    ("Riverside Community Clinics", "healthcare", "en", 1.4, 0.3, 0.25),
    ("Medivale Diagnostics", "healthcare", "en", 11.8, 2.5, 0.70),
    ("Beijing Huaxia Hospital", "healthcare", "zh-hans", 17.9, 4.4, 0.33),
    ("Centrum Medyczne Vita", "healthcare", "pl", 3.6, 2.9, 0.76),
    ("Tabriz University Hospital", "healthcare", "fa", 8.9, 1.0, 0.45),
    ("Atlas Precision Engineering", "manufacturing", "en", 24.1, 5.2, 0.74),
    ("Fabryka Maszyn Poznań", "manufacturing", "pl", 19.3, 2.0, 0.28),
    ("Ningbo Haitian Components", "manufacturing", "zh-hans", 12.6, 6.8, 0.31),
    ("Isfahan Steel Works", "manufacturing", "fa", 15.7, 3.3, 0.69),
    ("Great Lakes Tooling", "manufacturing", "en", 3.2, 0.6, 0.22),
    ("Huta Silesia", "manufacturing", "pl", 7.4, 5.9, 0.81),
    ("Suzhou Bright Electronics", "manufacturing", "zh-hans", 5.5, 1.1, 0.38),
    ("Keystone Plastics", "manufacturing", "en", 0.9, 0.2, 0.64),
    ("Tabesh Automotive Parts", "manufacturing", "fa", 2.7, 0.5, 0.35),
    ("Redwood Robotics", "manufacturing", "en", 9.6, 8.2, 0.78),
    ("Harbor & Main Stores", "retail", "en", 20.4, 4.0, 0.82),
    ("Sklepy Społem Warszawa", "retail", "pl", 4.1, 0.7, 0.42),
    ("Yonghui Fresh Markets", "retail", "zh-hans", 16.8, 5.5, 0.72),
    ("Shahrvand Hypermarkets", "retail", "fa", 10.9, 2.2, 0.30),
    ("Bluebell Fashion", "retail", "en", 2.5, 1.8, 0.77),
    ("Żabka Partners Network", "retail", "pl", 13.3, 3.6, 0.36),
    ("Chengdu Panda Mall", "retail", "zh-hans", 1.8, 0.4, 0.27),
    ("Corner Pantry Co-op", "retail", "en", 0.6, 0.9, 0.74),
    ("Kourosh Home Goods", "retail", "fa", 3.9, 0.6, 0.55),
    ("Metro Outfitters", "retail", "en", 7.7, 1.4, 0.24),
    ("State Department of Transportation", "public-sector", "en", 18.6, 7.1, 0.30),
    ("Urząd Miasta Gdańsk", "public-sector", "pl", 5.2, 2.4, 0.79),
    ("Shanghai Municipal Water Authority", "public-sector", "zh-hans", 21.7, 3.8, 0.77),
    ("Tehran Metro Company", "public-sector", "fa", 12.4, 1.9, 0.66),
    ("County of Marlowe", "public-sector", "en", 1.1, 0.2, 0.33),
    ("Krajowa Administracja Skarbowa", "public-sector", "pl", 9.1, 1.3, 0.29),
    ("Hangzhou Smart City Office", "public-sector", "zh-hans", 6.6, 5.0, 0.84),
    ("National Weather Service Region 4", "public-sector", "en", 3.0, 0.5, 0.50),
    ("Shiraz Water Board", "public-sector", "fa", 0.4, 0.1, 0.26),
    ("Eastgate School District", "public-sector", "en", 2.2, 1.6, 0.71),
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
TECHNICIANS = ("K. Adams", "R. Nowak", "S. Li", "P. Moradi", "J. Ortiz", "D. Kim")
AGENTS = ("Amy", "Bartek", "Chen", "Darya", "Ethan", "Fiona", "Goran")

# ------------------------------------------------------------------ survey texts

PULSE_INTRO = "We are planning next year's services. Tell us what would help you most."
PULSE_SATISFACTION = "How satisfied are you with your current service contract?"
PULSE_NEXT = "Which of these would you value most from us next year?"
PULSE_CHOICES = (
    "Remote monitoring", "Predictive maintenance", "Extended warranty", "On-site training",
    "Pay-per-use pricing",
)  # fmt: skip

# English text -> translation, for every text the demo surveys show.
TRANSLATIONS: dict[str, dict[str, str]] = {
    "zh-hans": {
        "Installation experience": "安装体验",
        "Call center: customer effort": "呼叫中心：客户费力度",
        "Relationship survey": "客户关系调查",
        "Pulse: what should we offer next?": "脉搏调查：我们下一步应提供什么？",
        "You recently dealt with us. Two quick questions about that experience.": (
            "您最近与我们有过业务往来。关于这次体验，请回答两个简短的问题。"
        ),
        "How is our relationship with your organisation going as a whole?": (
            "从整体来看，我们与贵单位的合作关系如何？"
        ),
        "One question about how easy it was to get what you needed.": (
            "只有一个问题：获得您所需要的帮助有多容易？"
        ),
        PULSE_INTRO: "我们正在规划明年的服务。请告诉我们什么对您最有帮助。",
        "Thank you! Your answers go straight to the team that serves you.": (
            "谢谢！您的回答将直接送达为您服务的团队。"
        ),
        "How likely are you to recommend us to a friend or colleague?": (
            "您有多大可能向朋友或同事推荐我们？"
        ),
        "How satisfied are you with this experience?": "您对这次体验的满意程度如何？",
        "What is the main reason for your score?": "您给出这个评分的主要原因是什么？",
        "Did our products and services meet your needs?": "我们的产品和服务是否满足了您的需求？",
        "How easy was it to deal with us?": "与我们打交道有多容易？",
        "How did dealing with us make you feel?": "与我们打交道给您带来了怎样的感受？",
        "Which areas should we improve first?": "我们应该首先改进哪些方面？",
        "How easy was it to deal with us today?": "今天与我们打交道有多容易？",
        "Was your issue resolved?": "您的问题解决了吗？",
        PULSE_SATISFACTION: "您对目前的服务合同有多满意？",
        PULSE_NEXT: "明年您最看重我们提供以下哪项服务？",
        "Product quality": "产品质量",
        "Delivery": "交付",
        "Installation": "安装",
        "Billing": "账单",
        "Repair and support": "维修与支持",
        "Price": "价格",
        "Yes": "是",
        "Partly": "部分解决",
        "No": "否",
        "Remote monitoring": "远程监控",
        "Predictive maintenance": "预测性维护",
        "Extended warranty": "延长保修",
        "On-site training": "现场培训",
        "Pay-per-use pricing": "按使用量付费",
    },
    "pl": {
        "Installation experience": "Doświadczenie z instalacją",
        "Call center: customer effort": "Infolinia: wysiłek klienta",
        "Relationship survey": "Badanie relacji",
        "Pulse: what should we offer next?": "Puls: co powinniśmy zaoferować w przyszłości?",
        "You recently dealt with us. Two quick questions about that experience.": (
            "Niedawno mieli Państwo z nami kontakt. Dwa krótkie pytania o to doświadczenie."
        ),
        "How is our relationship with your organisation going as a whole?": (
            "Jak ogólnie oceniają Państwo współpracę Państwa organizacji z nami?"
        ),
        "One question about how easy it was to get what you needed.": (
            "Jedno pytanie o to, jak łatwo było uzyskać to, czego Państwo potrzebowali."
        ),
        PULSE_INTRO: (
            "Planujemy usługi na przyszły rok. Prosimy powiedzieć, co byłoby dla Państwa "
            "najbardziej pomocne."
        ),
        "Thank you! Your answers go straight to the team that serves you.": (
            "Dziękujemy! Państwa odpowiedzi trafiają bezpośrednio do zespołu, który Państwa "
            "obsługuje."
        ),
        "How likely are you to recommend us to a friend or colleague?": (
            "Jak bardzo prawdopodobne jest, że polecą nas Państwo znajomemu lub współpracownikowi?"
        ),
        "How satisfied are you with this experience?": (
            "Jak bardzo są Państwo zadowoleni z tego doświadczenia?"
        ),
        "What is the main reason for your score?": "Jaki jest główny powód Państwa oceny?",
        "Did our products and services meet your needs?": (
            "Czy nasze produkty i usługi spełniły Państwa potrzeby?"
        ),
        "How easy was it to deal with us?": "Jak łatwo było załatwiać z nami sprawy?",
        "How did dealing with us make you feel?": (
            "Jakie odczucia wywołała u Państwa współpraca z nami?"
        ),
        "Which areas should we improve first?": (
            "Które obszary powinniśmy poprawić w pierwszej kolejności?"
        ),
        "How easy was it to deal with us today?": "Jak łatwo było dziś załatwić z nami sprawę?",
        "Was your issue resolved?": "Czy Państwa sprawa została rozwiązana?",
        PULSE_SATISFACTION: "Jak bardzo są Państwo zadowoleni z obecnej umowy serwisowej?",
        PULSE_NEXT: "Co z poniższych byłoby dla Państwa najcenniejsze w przyszłym roku?",
        "Product quality": "Jakość produktów",
        "Delivery": "Dostawa",
        "Installation": "Instalacja",
        "Billing": "Rozliczenia",
        "Repair and support": "Naprawy i wsparcie",
        "Price": "Cena",
        "Yes": "Tak",
        "Partly": "Częściowo",
        "No": "Nie",
        "Remote monitoring": "Zdalny monitoring",
        "Predictive maintenance": "Konserwacja predykcyjna",
        "Extended warranty": "Przedłużona gwarancja",
        "On-site training": "Szkolenia na miejscu",
        "Pay-per-use pricing": "Płatność za użycie",
    },
    "fa": {
        "Installation experience": "تجربهٔ نصب",
        "Call center: customer effort": "مرکز تماس: میزان تلاش مشتری",
        "Relationship survey": "نظرسنجی رابطه با مشتری",
        "Pulse: what should we offer next?": "نبض: در گام بعد چه چیزی ارائه دهیم؟",
        "You recently dealt with us. Two quick questions about that experience.": (
            "شما اخیراً با ما سروکار داشته‌اید. دو پرسش کوتاه دربارهٔ این تجربه."
        ),
        "How is our relationship with your organisation going as a whole?": (
            "رابطهٔ ما با سازمان شما در مجموع چگونه پیش می‌رود؟"
        ),
        "One question about how easy it was to get what you needed.": (
            "یک پرسش دربارهٔ اینکه دستیابی به آنچه نیاز داشتید چقدر آسان بود."
        ),
        PULSE_INTRO: (
            "ما در حال برنامه‌ریزی خدمات سال آینده هستیم. به ما بگویید چه چیزی بیشترین کمک "
            "را به شما می‌کند."
        ),
        "Thank you! Your answers go straight to the team that serves you.": (
            "سپاسگزاریم! پاسخ‌های شما مستقیماً به تیمی می‌رسد که به شما خدمت می‌کند."
        ),
        "How likely are you to recommend us to a friend or colleague?": (
            "چقدر احتمال دارد ما را به یک دوست یا همکار توصیه کنید؟"
        ),
        "How satisfied are you with this experience?": "از این تجربه چقدر راضی هستید؟",
        "What is the main reason for your score?": "دلیل اصلی امتیاز شما چیست؟",
        "Did our products and services meet your needs?": (
            "آیا محصولات و خدمات ما نیازهای شما را برآورده کرد؟"
        ),
        "How easy was it to deal with us?": "کار کردن با ما چقدر آسان بود؟",
        "How did dealing with us make you feel?": "تعامل با ما چه احساسی در شما ایجاد کرد؟",
        "Which areas should we improve first?": "کدام بخش‌ها را باید زودتر بهبود دهیم؟",
        "How easy was it to deal with us today?": "امروز کار کردن با ما چقدر آسان بود؟",
        "Was your issue resolved?": "آیا مشکل شما حل شد؟",
        PULSE_SATISFACTION: "از قرارداد خدمات فعلی خود چقدر راضی هستید؟",
        PULSE_NEXT: "کدام یک از این موارد در سال آینده برای شما ارزشمندتر است؟",
        "Product quality": "کیفیت محصول",
        "Delivery": "تحویل",
        "Installation": "نصب",
        "Billing": "صورتحساب",
        "Repair and support": "تعمیر و پشتیبانی",
        "Price": "قیمت",
        "Yes": "بله",
        "Partly": "تا حدی",
        "No": "خیر",
        "Remote monitoring": "پایش از راه دور",
        "Predictive maintenance": "نگهداری پیش‌بینانه",
        "Extended warranty": "گارانتی تمدیدشده",
        "On-site training": "آموزش در محل",
        "Pay-per-use pricing": "پرداخت بر اساس مصرف",
    },
}

# Free-text comments by language and tone (written for the demo; nothing is read at run time).
COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "pos": (
            "The installation team arrived on time and left the site spotless.",
            "Technician explained every step and tested everything before leaving.",
            "Quick answer on the phone, my problem was solved in one call.",
            "Our account manager really understands how our wards work.",
            "Smooth delivery and installation, no surprises on the invoice.",
            "Great follow-up after the repair, the machine has run without a fault since.",
            "Very professional people, easy to work with.",
            "The agent knew our contract and did not make me repeat myself.",
        ),
        "mid": (
            "Fine overall, but the scheduling could be more flexible.",
            "OK experience. The online portal is confusing.",
            "Good product, average service.",
        ),
        "neg": (
            "Installation was postponed twice and nobody called to tell us.",
            "I was transferred three times before anyone could help.",
            "The invoice did not match the quote and it took weeks to correct.",
            "Spare parts took far too long, the line stood still for four days.",
            "Technician did not have the right tools and had to come back.",
            "Hard to reach anyone who can actually make a decision.",
            "Prices went up again without any improvement in service.",
            "Waited 40 minutes on hold, then the call dropped.",
        ),
    },
    "zh-hans": {
        "pos": (
            "安装团队准时到达，现场收拾得很干净。",
            "客服一次就解决了我的问题，效率很高。",
            "技术人员讲解很耐心，离开前测试了所有功能。",
            "客户经理非常了解我们的业务，沟通顺畅。",
            "维修后设备一直运行正常，服务很专业。",
        ),
        "mid": ("总体还可以，但预约时间不够灵活。", "产品不错，服务一般。"),
        "neg": (
            "安装时间一再推迟，也没有人提前通知。",
            "电话转了好几次才找到能解决问题的人。",
            "发票金额和报价不一致，修改花了好几周。",
            "备件到货太慢，生产线停了四天。",
            "价格又涨了，服务却没有任何改善。",
        ),
    },
    "pl": {
        "pos": (
            "Ekipa instalacyjna przyjechała punktualnie i zostawiła porządek.",
            "Konsultant rozwiązał mój problem podczas jednej rozmowy.",
            "Technik wszystko wyjaśnił i przetestował przed wyjazdem.",
            "Nasz opiekun klienta świetnie rozumie specyfikę naszej pracy.",
            "Bardzo profesjonalna obsługa, współpraca bez zarzutu.",
        ),
        "mid": (
            "Ogólnie w porządku, ale terminy mogłyby być bardziej elastyczne.",
            "Dobry produkt, przeciętna obsługa.",
        ),
        "neg": (
            "Instalację przesuwano dwa razy i nikt nas o tym nie poinformował.",
            "Zanim ktoś mi pomógł, trzy razy przełączano mnie do innego działu.",
            "Faktura nie zgadzała się z ofertą, korekta trwała tygodniami.",
            "Części zamienne szły za długo, linia stała przez cztery dni.",
            "Ceny znowu wzrosły, a obsługa się nie poprawiła.",
        ),
    },
    "fa": {
        "pos": (
            "تیم نصب به موقع رسید و محل کار را تمیز تحویل داد.",
            "کارشناس مرکز تماس مشکل مرا در همان تماس اول حل کرد.",
            "تکنسین همه مراحل را توضیح داد و قبل از رفتن همه چیز را آزمایش کرد.",
            "مدیر حساب ما نیازهای سازمان ما را به خوبی می‌شناسد.",
            "خدمات بسیار حرفه‌ای بود، همکاری با شما آسان است.",
        ),
        "mid": (
            "در مجموع خوب بود، اما زمان‌بندی می‌توانست منعطف‌تر باشد.",
            "محصول خوب است، خدمات متوسط.",
        ),
        "neg": (
            "نصب دو بار به تعویق افتاد و کسی به ما خبر نداد.",
            "سه بار تماسم را منتقل کردند تا کسی توانست کمک کند.",
            "مبلغ صورتحساب با پیش‌فاکتور یکی نبود و اصلاحش هفته‌ها طول کشید.",
            "قطعات یدکی خیلی دیر رسید و خط تولید چهار روز متوقف ماند.",
            "قیمت‌ها دوباره بالا رفت ولی کیفیت خدمات بهتر نشد.",
        ),
    },
}

# How much better (or worse) each vertical got over the year: HiTouch's teams that acted on
# the first relationship results improved; one did not.
VERTICAL_TREND = {"healthcare": 0.12, "manufacturing": 0.10, "retail": -0.06, "public-sector": 0.0}
TOUCH_POINT_OFFSET = {"installation": -0.03, "call-center": -0.06}


@dataclass(frozen=True)
class DemoSummary:
    created_activity: bool
    verticals: int
    accounts: int
    contacts: int
    surveys: int
    invitations: int
    responses: int
    answers: int
    password: str
    event_contacts: tuple[str, ...] = ()


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


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _months_ago(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months
    return date(month_index // 12, month_index % 12 + 1, 1)


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


# ------------------------------------------------------------------ reference data


def demo_staff_seed(*, password: str) -> dict[str, object]:
    """The admin superuser, general managers, account managers and an analyst."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@hitouch.example"}
    )
    # Hash once: a password hash costs a third of a second by design.
    hashed = make_password(password)
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.password = hashed
    admin.save()

    group, _ = Group.objects.get_or_create(name="Account teams")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["customers", "surveys", "insights"],
            codename__startswith="view_",
        )
    )
    analysts, _ = Group.objects.get_or_create(name="Analysts")
    analysts.permissions.set(
        [*group.permissions.all(), Permission.objects.get(codename="view_all_accounts")]
    )

    users: dict[str, object] = {"admin": admin}
    for username, full_name, _vertical, role in STAFF:
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
        user.groups.add(analysts if role == "analyst" else group)
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
    """Accounts with revenue for this and last year, account teams and 2-5 contacts each."""
    accounts = []
    team_by_vertical: dict[str, list] = {}
    gm_by_vertical = {}
    for username, _name, vertical, role in STAFF:
        if role == "am":
            team_by_vertical.setdefault(vertical, []).append(users[username])
        elif role == "gm":
            gm_by_vertical[vertical] = users[username]

    existing_contacts = set(Contact.objects.values_list("account__external_id", "email"))
    existing_revenue = set(
        AccountRevenue.objects.values_list("account__external_id", "period_start")
    )
    new_contacts, new_revenue = [], []
    for index, (name, vertical, language, billed, forecast, _mood) in enumerate(ACCOUNTS):
        external_id = f"{EXTERNAL_ID_PREFIX}{1001 + index}"
        rng = random.Random(f"{seed}:{external_id}")
        account, _ = Account.objects.update_or_create(
            external_id=external_id,
            defaults={
                "name": name,
                "vertical_market": verticals[vertical],
                "general_manager": gm_by_vertical[vertical],
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
        for position in range(rng.randint(2, 5)):
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


def _translations_for(survey: Survey) -> list[SurveyTranslation]:
    rows = []
    questions = list(survey.questions.prefetch_related("choices"))
    for language, table in TRANSLATIONS.items():

        def add(key: str, english: str, language=language, table=table) -> None:
            if english in table:
                rows.append(
                    SurveyTranslation(
                        survey=survey, language=language, key=key, text=table[english]
                    )
                )

        add("title", survey.title)
        add("intro", survey.intro)
        add("thank_you", survey.thank_you)
        for question in questions:
            add(f"question:{question.id}:text", question.text)
            for choice in question.choices.all():
                add(f"choice:{choice.id}:label", choice.label)
    return rows


def demo_surveys_seed(*, touch_points: dict[str, TouchPoint], admin) -> dict[str, Survey]:
    """One live survey of each kind, in all four languages; existing ones are kept."""
    common = {
        "status": SurveyStatus.LIVE,
        "languages": [str(code) for code in LANGUAGES],
        "created_by": admin,
    }
    specs = (
        (SLUG_INSTALLATION, "nps_transaction", "Installation experience",
         {"touch_point": touch_points["installation"], "send_delay": timedelta(hours=24)}),
        (SLUG_CALL_CENTER, "effort", "Call center: customer effort",
         {"touch_point": touch_points["call-center"], "send_delay": timedelta(0),
          "fatigue_window_days": 7}),
        (SLUG_RELATIONSHIP, "relationship_cx", "Relationship survey", {}),
        (SLUG_PULSE, "nps_transaction", "Pulse: what should we offer next?",
         {"kind": SurveyKind.PULSE}),
    )  # fmt: skip
    surveys = {}
    for slug, template, title, extra in specs:
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            survey = survey_create_from_template(
                template=template, title=title, slug=slug, **common, **extra
            )
            if slug == SLUG_PULSE:
                _shape_pulse_survey(survey)
            SurveyTranslation.objects.bulk_create(_translations_for(survey))
        surveys[slug] = survey
    return surveys


def _shape_pulse_survey(survey: Survey) -> None:
    """A pulse asks about the future: reword the template and add what-next choices."""
    survey.intro = PULSE_INTRO
    survey.save(update_fields=["intro"])
    survey.questions.filter(type=QuestionType.RATING).update(text=PULSE_SATISFACTION)
    question = Question.objects.create(
        survey=survey,
        position=survey.questions.count() + 1,
        type=QuestionType.SINGLE_CHOICE,
        text=PULSE_NEXT,
        required=False,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, value=slugify(label), label=label)
        for i, label in enumerate(PULSE_CHOICES, start=1)
    )
    survey_touch(survey.pk)  # update() and bulk_create send no signals: see surveys.receivers


# ------------------------------------------------------------------ a year of answers


class _Generator:
    """Builds unsaved rows for a year of invitations, responses and answers."""

    def __init__(self, *, rng: random.Random, now: datetime, accounts: list[Account]):
        self.rng = rng
        self.now = now
        rows = {row[0]: row for row in ACCOUNTS}
        self.account_info = {a.pk: rows[a.name] for a in accounts}
        self.vertical_code = {a.pk: rows[a.name][1] for a in accounts}
        self.contacts = {}
        for contact in Contact.objects.filter(account__in=accounts, opted_out=False):
            self.contacts.setdefault(contact.account_id, []).append(contact)
        self.accounts = [a for a in accounts if a.pk in self.contacts]
        # Five contacts of small, unsatisfied accounts stay out of the event streams, so that
        # the contact and account fatigue rules let their pulse invitations, due at seed time,
        # go out when `make demo` starts its worker.
        small = sorted(
            (a for a in self.accounts if self.account_info[a.pk][5] < 0.6),
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

    def mood(self, account_id: int, when: datetime, touch_point_code: str = "") -> float:
        base = self.account_info[account_id][5]
        year_fraction = 1 - (self.now - when).days / 365  # 0 a year ago, 1 today
        trend = VERTICAL_TREND[self.vertical_code[account_id]] * (year_fraction - 0.5)
        noise = self.rng.gauss(0, 0.08)
        return min(
            1.0, max(0.0, base + trend + TOUCH_POINT_OFFSET.get(touch_point_code, 0) + noise)
        )

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
            if code == "installation":
                attributes = {
                    "order": f"SO-{240000 + i}",
                    "technician": self.rng.choice(TECHNICIANS),
                }
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
            self._invite(
                invitation, mood=self.mood(account.pk, occurred, code), rate=rate, mean_hours=20
            )

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
                rate = 0.75 if contact.is_key_contact else 0.55
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

    def comment(self, language: str, tone: str) -> str:
        return self.rng.choice(COMMENTS.get(language, COMMENTS["en"])[tone])

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
                answer.number = _clamp(rng.gauss(3.5 + 7 * mood, 1.5), 0, 10)
                tone = "pos" if answer.number >= 9 else "neg" if answer.number <= 6 else "mid"
            elif qtype == QuestionType.RATING:
                answer.number = _clamp(rng.gauss(1.3 + 3.7 * mood, 0.7), 1, 5)
            elif qtype == QuestionType.EFFORT:
                answer.number = _clamp(rng.gauss(1.5 + 5.2 * mood, 1.0), 1, 7)
                tone = "pos" if answer.number >= 6 else "neg" if answer.number <= 3 else "mid"
            elif qtype in (QuestionType.CX_NEEDS, QuestionType.CX_EASE, QuestionType.CX_EMOTION):
                answer.number = _clamp(rng.gauss(1.1 + 3.6 * mood, 0.7), 1, 5)
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
                answer.text = self.comment(response.language, tone)
            rows.append(answer)
        return rows


@transaction.atomic
def demo_activity_seed(
    *,
    surveys: dict[str, Survey],
    accounts: list[Account],
    seed: int,
    now: datetime,
    admin,
) -> tuple[int, int, int]:
    """A year of events, waves and a pulse, with their invitations, responses and answers."""
    rng = random.Random(seed)
    gen = _Generator(rng=rng, now=now, accounts=accounts)
    today = now.date()

    installation = surveys[SLUG_INSTALLATION]
    call_center = surveys[SLUG_CALL_CENTER]
    relationship = surveys[SLUG_RELATIONSHIP]
    pulse = surveys[SLUG_PULSE]

    def distribution(survey, name, origin, created):
        d = Distribution.objects.create(survey=survey, name=name, origin=origin, created_by=admin)
        Distribution.objects.filter(pk=d.pk).update(created_at=created)
        return d

    year_ago = now - timedelta(days=365)
    stream_installation = distribution(
        installation, "Installation events", DistributionOrigin.TRANSACTION, year_ago
    )
    stream_call_center = distribution(
        call_center, "Call-center events", DistributionOrigin.TRANSACTION, year_ago
    )
    gen.transaction_stream(
        survey=installation, distribution=stream_installation, count=2000, rate=0.62
    )
    gen.transaction_stream(
        survey=call_center, distribution=stream_call_center, count=2600, rate=0.55
    )

    # Half-yearly relationship waves; the next one falls due about two months from now.
    first_wave = _months_ago(today, 10)
    programme = RelationshipProgramme.objects.create(
        name="HiTouch relationship programme",
        survey=relationship,
        cadence_months=6,
        first_wave_on=first_wave,
        audience=Audience.ALL_ACCOUNTS,
        field_period_days=30,
    )
    for number, period_start in enumerate((first_wave, _months_ago(today, 4)), start=1):
        opens = _aware(period_start)
        closes = opens + timedelta(days=programme.field_period_days)
        send = distribution(
            relationship, f"Relationship wave {number}", DistributionOrigin.WAVE, opens
        )
        send.closes_at = closes
        send.save(update_fields=["closes_at"])
        Wave.objects.create(
            programme=programme,
            distribution=send,
            name=f"Wave {number} ({period_start:%B %Y})",
            period_start=period_start,
            opens_at=opens,
            closes_at=closes,
            status=WaveStatus.CLOSED if closes <= now else WaveStatus.OPEN,
        )
        gen.wave(survey=relationship, distribution=send, opens=opens, closes=closes)

    # A pulse to a sample of the growth accounts (low billing, high satisfaction).
    growth_names = {row[0] for row in ACCOUNTS if row[3] < 10 and row[5] >= 0.6}
    segment = PulseSegment.objects.create(
        name="Growth accounts: next services", quadrants=["growth"], sample_size=60, seed=seed
    )
    segment.vertical_markets.set(VerticalMarket.objects.filter(accounts__in=accounts).distinct())
    pulse_opens = now - timedelta(days=21)
    pulse_send = distribution(pulse, "Pulse: next services", DistributionOrigin.PULSE, pulse_opens)
    candidates = [c for a in gen.accounts if a.name in growth_names for c in gen.contacts[a.pk]]
    sample = rng.sample(candidates, min(len(candidates), segment.sample_size))
    gen.pulse(survey=pulse, distribution=pulse_send, opens=pulse_opens, sample=sample)
    # A few are still waiting for the worker: `make demo` shows them going out as .eml files.
    for contact in gen.quiet:
        gen.invitations.append(
            Invitation(
                survey=pulse, distribution=pulse_send, contact=contact, send_after=now,
                expires_at=now + timedelta(days=pulse.field_period_days),
            )
        )  # fmt: skip

    Inquiry.objects.bulk_create(
        [
            Inquiry(
                kind=InquiryKind.INTERVIEW,
                title="Interview: remote monitoring at Shenzhen Kangning",
                held_on=today - timedelta(days=12),
                participants="Procurement lead, site engineer",
                account=next((a for a in accounts if a.name.startswith("Shenzhen")), None),
                survey=pulse,
                themes="remote monitoring, uptime, price",
                notes="Would pay for alerts before a failure; worried about data leaving the site.",
                created_by=admin,
            ),
            Inquiry(
                kind=InquiryKind.FOCUS_GROUP,
                title="Focus group: public-sector maintenance contracts",
                held_on=today - timedelta(days=30),
                participants="Six facilities managers from four agencies",
                survey=pulse,
                themes="pay-per-use, tendering rules, training",
                notes="Tendering rules favour fixed prices; on-site training valued over warranty.",
                created_by=admin,
            ),
        ]
    )

    TouchPointEvent.objects.bulk_create(gen.events, batch_size=1000)
    Invitation.objects.bulk_create(gen.invitations, batch_size=1000)

    questions = {s.pk: list(s.questions.prefetch_related("choices")) for s in surveys.values()}
    languages = {}
    responses, moods = [], []
    for index, (submitted, mood) in gen.answered.items():
        invitation = gen.invitations[index]
        survey = invitation.survey
        contact = invitation.contact
        languages[contact.pk] = contact.language
        responses.append(
            Response(
                survey=survey,
                invitation=invitation,
                distribution=invitation.distribution,
                contact=contact,
                account_id=contact.account_id,
                touch_point=survey.touch_point,
                event=invitation.event,
                status=ResponseStatus.COMPLETED,
                language=contact.language,
                submitted_at=submitted,
            )
        )
        moods.append(mood)
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = []
    for response, mood in zip(responses, moods, strict=True):
        answers.extend(gen.answers_for(response, questions[response.survey_id], mood))
    Answer.objects.bulk_create(answers, batch_size=2000)

    # auto_now_add stamped "now" on history; put the timestamps where the story has them.
    demo_surveys = list(surveys.values())
    Response.objects.filter(survey__in=demo_surveys).update(
        started_at=F("submitted_at") - timedelta(minutes=3)
    )
    Invitation.objects.filter(survey__in=demo_surveys, send_after__isnull=False).update(
        created_at=F("send_after")
    )
    TouchPointEvent.objects.filter(external_id__startswith=EVENT_PREFIX).update(
        received_at=F("occurred_at")
    )
    return len(gen.invitations), len(responses), len(answers)


# ------------------------------------------------------------------ entry points


def demo_reset() -> None:
    """Removes what the demo created (surveys and their history, accounts, staff users)."""
    surveys = Survey.objects.filter(slug__in=DEMO_SLUGS)
    RelationshipProgramme.objects.filter(survey__in=surveys).delete()
    Inquiry.objects.filter(survey__in=surveys).delete()
    PulseSegment.objects.filter(name__startswith="Growth accounts").delete()
    surveys.delete()
    TouchPointEvent.objects.filter(external_id__startswith=EVENT_PREFIX).delete()
    Account.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).delete()
    get_user_model().objects.filter(username__in=[row[0] for row in STAFF]).delete()


@transaction.atomic
def demo_seed(
    *,
    password: str = DEMO_PASSWORD_DEFAULT,
    reset: bool = False,
    seed: int = 2026,
    now: datetime | None = None,
) -> DemoSummary:
    """Seeds the HiTouch demo; a second run keeps what exists and adds nothing."""
    now = now or timezone.now()
    if reset:
        demo_reset()
    users = demo_staff_seed(password=password)
    verticals, touch_points = demo_reference_seed()
    accounts = demo_accounts_seed(verticals=verticals, users=users, seed=seed, today=now.date())
    surveys = demo_surveys_seed(touch_points=touch_points, admin=users["admin"])
    event_contacts = demo_event_contacts_seed(verticals=verticals, users=users)
    created = not Invitation.objects.filter(survey__slug__in=DEMO_SLUGS).exists()
    if created:
        demo_activity_seed(
            surveys=surveys, accounts=accounts, seed=seed, now=now, admin=users["admin"]
        )
    demo_surveys = Survey.objects.filter(slug__in=DEMO_SLUGS)
    return DemoSummary(
        created_activity=created,
        verticals=VerticalMarket.objects.filter(accounts__in=accounts).distinct().count(),
        accounts=len(accounts),
        contacts=Contact.objects.filter(account__in=accounts).count(),
        surveys=demo_surveys.count(),
        invitations=Invitation.objects.filter(survey__in=demo_surveys).count(),
        responses=Response.objects.filter(survey__in=demo_surveys).count(),
        answers=Answer.objects.filter(survey__in=demo_surveys).count(),
        password=password,
        event_contacts=tuple(contact.email for contact in event_contacts),
    )


def demo_mail_location() -> str:
    if settings.EMAIL_BACKEND == "surveys.mail.EmlFileBackend":
        return f"one .eml file per message in {settings.EMAIL_FILE_PATH}"
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return f"SMTP server {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"the {settings.EMAIL_BACKEND} backend"
