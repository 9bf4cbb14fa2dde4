"""A small transaction survey translated into every language the product offers."""

from surveys.constants import QuestionType
from surveys.models import Question, Survey, SurveyTranslation
from tests.factories import (
    ChoiceFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    SurveyFactory,
)

LANGUAGES = ("en", "zh-hans", "pl", "fa")
SOURCE = {
    "title": "Your repair visit",
    "intro": "Three short questions about the repair we carried out for you.",
    "thank_you": "Thank you: your answers go straight to the service team.",
    "nps": "How likely are you to recommend us to a colleague?",
    "nps_min": "Not at all likely",
    "nps_max": "Extremely likely",
    "choice": "What mattered most during the visit?",
    "choices": ("Punctuality", "The technician's skill", "Clean-up afterwards"),
    "text": "What could we do better?",
}
TRANSLATED = {
    "pl": {
        "title": "Wizyta serwisowa",
        "intro": "Trzy krótkie pytania o naprawę, którą dla Państwa wykonaliśmy.",
        "thank_you": "Dziękujemy – odpowiedzi trafią bezpośrednio do zespołu serwisowego.",
        "nps": "Jak bardzo prawdopodobne jest, że polecą nas Państwo współpracownikowi?",
        "nps_min": "Zupełnie nieprawdopodobne",
        "nps_max": "Bardzo prawdopodobne",
        "choice": "Co było najważniejsze podczas wizyty?",
        "choices": ("Punktualność", "Umiejętności technika", "Sprzątnięcie po pracy"),
        "text": "Co moglibyśmy robić lepiej?",
    },
    "fa": {
        "title": "بازدید تعمیر شما",
        "intro": "سه پرسش کوتاه دربارهٔ تعمیری که برای شما انجام دادیم.",
        "thank_you": "سپاسگزاریم؛ پاسخ‌های شما مستقیماً به تیم خدمات می‌رسد.",
        "nps": "چقدر احتمال دارد ما را به یکی از همکاران خود توصیه کنید؟",
        "nps_min": "اصلاً محتمل نیست",
        "nps_max": "بسیار محتمل است",
        "choice": "در این بازدید چه چیزی برای شما مهم‌تر بود؟",
        "choices": ("وقت‌شناسی", "مهارت تکنسین", "تمیزکاری پس از کار"),
        "text": "چه کاری را می‌توانیم بهتر انجام دهیم؟",
    },
    "zh-hans": {
        "title": "您的维修服务",
        "intro": "关于我们为您提供的维修服务，请回答三个简短的问题。",
        "thank_you": "谢谢！您的回答将直接转给服务团队。",
        "nps": "您有多大可能向同事推荐我们？",
        "nps_min": "完全不可能",
        "nps_max": "极有可能",
        "choice": "这次上门服务中，您最看重什么？",
        "choices": ("准时", "技术人员的专业水平", "完工后的清理"),
        "text": "我们还有哪些可以改进的地方？",
    },
}


def translated_survey() -> tuple[Survey, dict[str, Question]]:
    survey = SurveyFactory(
        title=SOURCE["title"],
        intro=SOURCE["intro"],
        thank_you=SOURCE["thank_you"],
        languages=list(LANGUAGES),
    )
    nps = QuestionFactory(
        survey=survey,
        type=QuestionType.NPS,
        text=SOURCE["nps"],
        min_label=SOURCE["nps_min"],
        max_label=SOURCE["nps_max"],
    )
    choice = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE, text=SOURCE["choice"])
    choices = [
        ChoiceFactory(question=choice, value=f"c{n}", label=label)
        for n, label in enumerate(SOURCE["choices"])
    ]
    text = QuestionFactory(
        survey=survey, type=QuestionType.TEXT, text=SOURCE["text"], required=False
    )
    rows = []
    for language, texts in TRANSLATED.items():
        keys = {
            "title": texts["title"],
            "intro": texts["intro"],
            "thank_you": texts["thank_you"],
            f"question:{nps.pk}:text": texts["nps"],
            f"question:{nps.pk}:min_label": texts["nps_min"],
            f"question:{nps.pk}:max_label": texts["nps_max"],
            f"question:{choice.pk}:text": texts["choice"],
            f"question:{text.pk}:text": texts["text"],
            **{
                f"choice:{c.pk}:label": label
                for c, label in zip(choices, texts["choices"], strict=True)
            },
        }
        rows += [
            SurveyTranslation(survey=survey, language=language, key=k, text=v)
            for k, v in keys.items()
        ]
    SurveyTranslation.objects.bulk_create(rows)
    return survey, {"nps": nps, "choice": choice, "text": text}


def invitation_in(survey: Survey, language: str):
    return InvitationFactory(survey=survey, contact=ContactFactory(language=language))


def choose_scale(page, question: Question, value: int) -> None:
    """Click the button of one scale value, as a respondent does (the radio is hidden)."""
    radio = page.locator(f"input[name='q_{question.pk}'][value='{value}']")
    page.locator(f"label[for='{radio.get_attribute('id')}']").click()


def assert_chromium_can_post(response) -> None:
    """Chromium posts `Origin: null` from a page served with `Referrer-Policy: no-referrer`;
    the answering views are CSRF-exempt (the token is the secret), so the post must go
    through. Fail with the reason rather than with a bare 403 if that ever regresses."""
    assert response.headers.get("referrer-policy") == "no-referrer"
