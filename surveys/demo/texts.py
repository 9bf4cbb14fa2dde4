"""The texts of the demo surveys: the pulse survey's own wording, a translation of every text
the demo surveys show (zh-hans, pl, fa), and the free-text comments respondents write, by
language and tone (written for the demo; nothing is read at run time)."""

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
        "You recently dealt with us. Tell us how that experience went.": (
            "您最近与我们有过业务往来。请告诉我们这次体验如何。"
        ),
        "How is our relationship with your organisation going as a whole?": (
            "从整体来看，我们与贵单位的合作关系如何？"
        ),
        "Tell us how easy it was to get what you needed.": (
            "请告诉我们，获得您所需要的帮助有多容易。"
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
        "Overall, how satisfied are you with us?": "总体而言，您对我们的满意程度如何？",
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
        "You recently dealt with us. Tell us how that experience went.": (
            "Niedawno mieli Państwo z nami kontakt. Prosimy powiedzieć, jak oceniają Państwo "
            "to doświadczenie."
        ),
        "How is our relationship with your organisation going as a whole?": (
            "Jak ogólnie oceniają Państwo współpracę Państwa organizacji z nami?"
        ),
        "Tell us how easy it was to get what you needed.": (
            "Prosimy powiedzieć, jak łatwo było uzyskać to, czego Państwo potrzebowali."
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
        "Overall, how satisfied are you with us?": (
            "Jak bardzo są Państwo ogólnie zadowoleni ze współpracy z nami?"
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
        "You recently dealt with us. Tell us how that experience went.": (
            "شما اخیراً با ما سروکار داشته‌اید. به ما بگویید این تجربه چگونه بود."
        ),
        "How is our relationship with your organisation going as a whole?": (
            "رابطهٔ ما با سازمان شما در مجموع چگونه پیش می‌رود؟"
        ),
        "Tell us how easy it was to get what you needed.": (
            "به ما بگویید دستیابی به آنچه نیاز داشتید چقدر آسان بود."
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
        "Overall, how satisfied are you with us?": "در مجموع چقدر از ما راضی هستید؟",
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

# Free-text comments by language, what they are about and tone: a comment under an installation
# survey is about the installation, one under the call-center survey about the call, and the
# relationship and pulse surveys hear about the relationship as a whole (written for the demo).
INSTALLATION, CALL_CENTER, RELATIONSHIP = "installation", "call-center", "relationship"
COMMENTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "en": {
        INSTALLATION: {
            "pos": (
                "The installation team arrived on time and left the site spotless.",
                "Technician explained every step and tested everything before leaving.",
                "Smooth delivery and installation, no surprises.",
            ),
            "mid": (
                "The installation went fine, but the time window was four hours wide.",
                "Good work on site, but we had to chase the appointment.",
            ),
            "neg": (
                "Installation was postponed twice and nobody called to tell us.",
                "Technician did not have the right tools and had to come back.",
                "The equipment was installed but nobody showed us how to use it.",
            ),
        },
        CALL_CENTER: {
            "pos": (
                "Quick answer on the phone, my problem was solved in one call.",
                "The agent knew our contract and did not make me repeat myself.",
                "Friendly agent, clear next steps and a confirmation by e-mail.",
            ),
            "mid": (
                "Solved in the end, but it took two calls.",
                "Polite, but I had to explain the problem twice.",
            ),
            "neg": (
                "I was transferred three times before anyone could help.",
                "Waited 40 minutes on hold, then the call dropped.",
                "Promised a call back that never came.",
            ),
        },
        RELATIONSHIP: {
            "pos": (
                "Our account manager really understands how our business works.",
                "Very professional people, easy to work with.",
                "Great follow-up after the repair, the machine has run without a fault since.",
            ),
            "mid": (
                "Fine overall, but the scheduling could be more flexible.",
                "OK experience. The online portal is confusing.",
                "Good product, average service.",
            ),
            "neg": (
                "The invoice did not match the quote and it took weeks to correct.",
                "Spare parts took far too long, the line stood still for four days.",
                "Hard to reach anyone who can actually make a decision.",
                "Prices went up again without any improvement in service.",
            ),
        },
    },
    "zh-hans": {
        INSTALLATION: {
            "pos": (
                "安装团队准时到达，现场收拾得很干净。",
                "技术人员讲解很耐心，离开前测试了所有功能。",
                "交付和安装都很顺利，没有任何意外。",
            ),
            "mid": (
                "安装还算顺利，但预约的时间段长达四个小时。",
                "现场工作不错，但预约需要我们反复催促。",
            ),
            "neg": (
                "安装时间一再推迟，也没有人提前通知。",
                "技术人员没带合适的工具，只好改天再来。",
                "设备装好了，却没有人教我们怎么使用。",
            ),
        },
        CALL_CENTER: {
            "pos": (
                "客服一次就解决了我的问题，效率很高。",
                "客服了解我们的合同，不用我重复说明。",
                "客服态度友好，后续步骤清楚，还发了确认邮件。",
            ),
            "mid": ("问题最终解决了，但打了两次电话。", "态度礼貌，但我不得不把问题讲了两遍。"),
            "neg": (
                "电话转了好几次才找到能解决问题的人。",
                "等了40分钟，电话却断了。",
                "说好回电，结果一直没人打来。",
            ),
        },
        RELATIONSHIP: {
            "pos": (
                "客户经理非常了解我们的业务，沟通顺畅。",
                "团队非常专业，合作起来很轻松。",
                "维修后设备一直运行正常，服务很专业。",
            ),
            "mid": (
                "总体还可以，但预约时间不够灵活。",
                "产品不错，服务一般。",
                "网上门户不太好用。",
            ),
            "neg": (
                "发票金额和报价不一致，修改花了好几周。",
                "备件到货太慢，生产线停了四天。",
                "很难找到能真正拍板的人。",
                "价格又涨了，服务却没有任何改善。",
            ),
        },
    },
    "pl": {
        INSTALLATION: {
            "pos": (
                "Ekipa instalacyjna przyjechała punktualnie i zostawiła porządek.",
                "Technik wszystko wyjaśnił i przetestował przed wyjazdem.",
                "Dostawa i instalacja bez niespodzianek.",
            ),
            "mid": (
                "Instalacja przebiegła dobrze, ale okno czasowe wynosiło cztery godziny.",
                "Dobra robota na miejscu, ale o termin musieliśmy się dopominać.",
            ),
            "neg": (
                "Instalację przesuwano dwa razy i nikt nas o tym nie poinformował.",
                "Technik nie miał odpowiednich narzędzi i musiał przyjechać ponownie.",
                "Urządzenie zainstalowano, ale nikt nie pokazał nam, jak go używać.",
            ),
        },
        CALL_CENTER: {
            "pos": (
                "Konsultant rozwiązał mój problem podczas jednej rozmowy.",
                "Konsultant znał naszą umowę i nie musiałem się powtarzać.",
                "Miła obsługa, jasne kolejne kroki i potwierdzenie mailem.",
            ),
            "mid": (
                "Ostatecznie rozwiązane, ale potrzebne były dwie rozmowy.",
                "Uprzejmie, ale musiałem dwa razy tłumaczyć problem.",
            ),
            "neg": (
                "Zanim ktoś mi pomógł, trzy razy przełączano mnie do innego działu.",
                "Czekałem 40 minut na linii, a potem połączenie zostało przerwane.",
                "Obiecano oddzwonić i nikt nie oddzwonił.",
            ),
        },
        RELATIONSHIP: {
            "pos": (
                "Nasz opiekun klienta świetnie rozumie specyfikę naszej pracy.",
                "Bardzo profesjonalna obsługa, współpraca bez zarzutu.",
                "Świetna obsługa po naprawie, maszyna działa od tej pory bez usterek.",
            ),
            "mid": (
                "Ogólnie w porządku, ale terminy mogłyby być bardziej elastyczne.",
                "Dobry produkt, przeciętna obsługa.",
                "Portal internetowy jest nieczytelny.",
            ),
            "neg": (
                "Faktura nie zgadzała się z ofertą, korekta trwała tygodniami.",
                "Części zamienne szły za długo, linia stała przez cztery dni.",
                "Trudno dotrzeć do kogoś, kto naprawdę może podjąć decyzję.",
                "Ceny znowu wzrosły, a obsługa się nie poprawiła.",
            ),
        },
    },
    "fa": {
        INSTALLATION: {
            "pos": (
                "تیم نصب به موقع رسید و محل کار را تمیز تحویل داد.",
                "تکنسین همه مراحل را توضیح داد و قبل از رفتن همه چیز را آزمایش کرد.",
                "تحویل و نصب بدون هیچ مشکلی انجام شد.",
            ),
            "mid": (
                "نصب خوب انجام شد، اما بازه زمانی مراجعه چهار ساعت بود.",
                "کار در محل خوب بود، اما برای تعیین وقت چند بار پیگیری کردیم.",
            ),
            "neg": (
                "نصب دو بار به تعویق افتاد و کسی به ما خبر نداد.",
                "تکنسین ابزار مناسب نداشت و مجبور شد دوباره بیاید.",
                "دستگاه نصب شد اما کسی طرز کار با آن را به ما نشان نداد.",
            ),
        },
        CALL_CENTER: {
            "pos": (
                "کارشناس مرکز تماس مشکل مرا در همان تماس اول حل کرد.",
                "کارشناس قرارداد ما را می‌شناخت و لازم نبود همه چیز را تکرار کنم.",
                "کارشناس خوش‌برخورد بود، مراحل بعد را روشن گفت و ایمیل تأیید فرستاد.",
            ),
            "mid": (
                "در نهایت حل شد، اما دو بار تماس گرفتم.",
                "مؤدب بودند، اما مجبور شدم مشکل را دو بار توضیح دهم.",
            ),
            "neg": (
                "سه بار تماسم را منتقل کردند تا کسی توانست کمک کند.",
                "چهل دقیقه پشت خط ماندم و بعد تماس قطع شد.",
                "قول دادند تماس بگیرند ولی هیچ‌کس تماس نگرفت.",
            ),
        },
        RELATIONSHIP: {
            "pos": (
                "مدیر حساب ما نیازهای سازمان ما را به خوبی می‌شناسد.",
                "خدمات بسیار حرفه‌ای بود، همکاری با شما آسان است.",
                "پیگیری بعد از تعمیر عالی بود و دستگاه از آن زمان بدون خرابی کار می‌کند.",
            ),
            "mid": (
                "در مجموع خوب بود، اما زمان‌بندی می‌توانست منعطف‌تر باشد.",
                "محصول خوب است، خدمات متوسط.",
                "درگاه اینترنتی گیج‌کننده است.",
            ),
            "neg": (
                "مبلغ صورتحساب با پیش‌فاکتور یکی نبود و اصلاحش هفته‌ها طول کشید.",
                "قطعات یدکی خیلی دیر رسید و خط تولید چهار روز متوقف ماند.",
                "دسترسی به کسی که واقعاً بتواند تصمیم بگیرد سخت است.",
                "قیمت‌ها دوباره بالا رفت ولی کیفیت خدمات بهتر نشد.",
            ),
        },
    },
}
