"""The first published question bank of the three diagnostic stages (seed 000 §2.10–2.11), as data.

A fresh database gets it from the data migration `0005_diagnostic_bank`, and `seed_demo` installs it again after a
`flush`; from then on operator staff change it in the admin, as a new version. Editing this module changes only what
a database without a bank receives: it never touches a bank that exists.

Stage 1 — awareness and readiness to choose (after «Моя готовность», Ministry letter ДГ-808/05, shortened to two
scales); stage 2 — professional interests after Klimov's ДДО: the 10 pairs of its 5 types, each type in 4 answers
(a score of 0–4, banded like ДДО's 0–2 / 3–6 / 7–8 for 8 answers); stage 3 — knowledge of professions (the
percentage of correct answers) and two meta-skills.
"""

LIKERT = ("Совсем не про меня", "Скорее не про меня", "Скорее про меня", "Точно про меня")


def _likert(scale: str, text: str, page: int, *, reverse: bool = False) -> dict:
    weights = (3, 2, 1, 0) if reverse else (0, 1, 2, 3)
    return {"page": page, "text": text, "options": [(label, {scale: w}, False) for label, w in zip(LIKERT, weights)]}


def _pair(page: int, first: tuple[str, str], second: tuple[str, str]) -> dict:
    return {
        "page": page,
        "text": "Что тебе больше по душе?",
        "options": [(first[1], {first[0]: 1}, False), (second[1], {second[0]: 1}, False)],
    }


def _knowledge(page: int, text: str, correct: str, *wrong: str) -> dict:
    return {"page": page, "text": text, "options": [(correct, {}, True)] + [(w, {}, False) for w in wrong]}


def _levels(low: str, middle: str, high: str, edges: tuple[int, int, int, int]) -> list[tuple]:
    a, b, c, d = edges  # low a–(b-1), middle b–(c-1), high c–d
    return [(a, b - 1, "низкий", low), (b, c - 1, "средний", middle), (c, d, "высокий", high)]


def _klimov_bands(weak: str, middle: str, strong: str) -> list[tuple]:
    return [(0, 1, "не выражен", weak), (2, 2, "средний", middle), (3, 4, "выраженный", strong)]


STAGE_1 = {
    "stage": 1,
    "title": "Осознанность и готовность к выбору профессии",
    "description": "8 утверждений. Отметь, насколько каждое из них про тебя: правильных и неправильных ответов нет.",
    "scales": [
        {"code": "awareness", "name": "Осознанность выбора", "kind": "sum", "spheres": [], "bands": _levels(
            "Ты только начинаешь думать о будущей профессии — это нормальное начало пути. Выпиши занятия, которые "
            "тебе нравятся, и узнай, в каких профессиях ими занимаются.",
            "У тебя уже есть представление о профессиях, которые тебе интересны, но выбор ещё не сложился. Сравни "
            "две-три профессии: чем в них занимаются, где им учат, какие предметы для них важны.",
            "Ты хорошо представляешь, чем хочешь заниматься и что для этого нужно. Проверь свой выбор на практике — "
            "на профессиональной пробе.",
            (0, 5, 9, 12),
        )},
        {"code": "readiness", "name": "Готовность действовать", "kind": "sum", "spheres": [], "bands": _levels(
            "Пока ты редко делаешь шаги навстречу будущей профессии. Начни с малого: расспроси родителей об их "
            "работе и запишись на ознакомительную пробу.",
            "Ты готов(а) пробовать новое, но действуешь от случая к случаю. Составь план на полугодие: одна проба, "
            "один разговор с профессионалом, один день открытых дверей.",
            "Ты активно готовишься к выбору: пробуешь, спрашиваешь, ищешь сведения. Переходи к пробам "
            "вовлечённого и углублённого уровня.",
            (0, 5, 9, 12),
        )},
    ],
    "questions": [
        _likert("awareness", "Я знаю, чем хотел(а) бы заниматься после школы.", 1),
        _likert("awareness", "Я могу назвать несколько интересных мне профессий и рассказать, чем в них "
                             "занимаются.", 1),
        _likert("awareness", "Я понимаю, какие школьные предметы понадобятся для интересной мне профессии.", 1),
        _likert("awareness", "Мне всё равно, какую профессию выбрать: решу потом.", 1, reverse=True),
        _likert("readiness", "Я уже пробовал(а) себя в деле, связанном с будущей профессией (кружок, проект, "
                             "проба).", 2),
        _likert("readiness", "Я обсуждаю свои планы на будущее с родителями или учителями.", 2),
        _likert("readiness", "Я знаю, где в моём регионе учат интересным мне профессиям.", 2),
        _likert("readiness", "Мне некогда узнавать о профессиях: это подождёт.", 2, reverse=True),
    ],
}

NATURE, TECH, PEOPLE, SIGNS, ART = "nature", "technology", "people", "signs", "art"

STAGE_2 = {
    "stage": 2,
    "title": "Профессиональные интересы и сферы",
    "description": "10 пар занятий. В каждой паре выбери то, что тебе больше нравится, даже если оба не очень "
                   "привлекают.",
    "scales": [
        {"code": NATURE, "name": "Человек — природа", "kind": "sum", "spheres": ["Агропромышленный комплекс"],
         "bands": _klimov_bands(
             "Работа с растениями и животными пока не на первом месте.",
             "Тебя в некоторой мере привлекает живая природа: растения, животные, окружающая среда.",
             "Тебе интересна живая природа: агроном, ветеринар, эколог, специалист по растениеводству.",
         )},
        {"code": TECH, "name": "Человек — техника", "kind": "sum",
         "spheres": ["Промышленность и инженерия", "Строительство", "Транспорт и логистика"],
         "bands": _klimov_bands(
             "Работа с машинами и механизмами пока привлекает тебя мало.",
             "Техника тебе в некоторой мере интересна: устройство машин, ремонт, сборка.",
             "Тебе интересно создавать, налаживать и ремонтировать технику: инженер, сварщик, электромонтажник, "
             "автомеханик.",
         )},
        {"code": PEOPLE, "name": "Человек — человек", "kind": "sum",
         "spheres": ["Образование", "Здоровье", "Сфера услуг"],
         "bands": _klimov_bands(
             "Профессии общения и помощи людям пока не на первом месте.",
             "Тебе в некоторой мере нравится общаться, помогать и объяснять.",
             "Тебе нравится работать с людьми — учить, лечить, помогать, обслуживать: педагог, медицинская сестра, "
             "повар, парикмахер.",
         )},
        {"code": SIGNS, "name": "Человек — знаковая система", "kind": "sum", "spheres": ["Информационные технологии"],
         "bands": _klimov_bands(
             "Работа с числами, текстами и программами пока привлекает тебя мало.",
             "Тебе в некоторой мере интересны числа, схемы, тексты и программы.",
             "Тебе нравится работать с числами, кодом и схемами: программист, веб-разработчик, системный "
             "администратор, аналитик.",
         )},
        {"code": ART, "name": "Человек — художественный образ", "kind": "sum", "spheres": ["Творчество и дизайн"],
         "bands": _klimov_bands(
             "Творческие профессии пока не на первом месте.",
             "Тебя в некоторой мере привлекает творчество: рисунок, музыка, оформление.",
             "Тебе близко творчество: графический дизайнер, фотограф, художник-оформитель, музыкант.",
         )},
    ],
    "questions": [
        _pair(1, (NATURE, "Ухаживать за животными"), (TECH, "Обслуживать машины и приборы, следить за их работой")),
        _pair(1, (NATURE, "Выращивать растения, ухаживать за садом"), (PEOPLE, "Помогать больным людям")),
        _pair(1, (NATURE, "Наблюдать за природой и вести дневник наблюдений"),
              (SIGNS, "Составлять таблицы, схемы, программы для компьютера")),
        _pair(1, (NATURE, "Изучать жизнь растений и животных"), (ART, "Рисовать, фотографировать, создавать "
                                                                      "иллюстрации")),
        _pair(1, (TECH, "Ремонтировать вещи и технику"), (PEOPLE, "Объяснять младшим новый материал")),
        _pair(2, (TECH, "Собирать и налаживать технические устройства"),
              (SIGNS, "Искать и исправлять ошибки в текстах и таблицах")),
        _pair(2, (TECH, "Управлять трактором, краном или другой машиной"),
              (ART, "Оформлять помещения и витрины, готовить концерты")),
        _pair(2, (PEOPLE, "Знакомиться с новыми людьми, организовывать общие дела"),
              (SIGNS, "Работать с числами: считать, проверять расчёты")),
        _pair(2, (PEOPLE, "Помогать людям договориться и разобраться в споре"),
              (ART, "Выступать на сцене, петь, играть в спектаклях")),
        _pair(2, (SIGNS, "Вести учёт, работать со справочниками и базами данных"),
              (ART, "Сочинять рассказы, стихи или музыку")),
    ],
}

STAGE_3 = {
    "stage": 3,
    "title": "Метанавыки и знание профессий",
    "description": "5 вопросов о профессиях (у каждого один верный ответ) и 3 жизненные ситуации, в которых "
                   "нужно выбрать, как ты поступишь.",
    "scales": [
        {"code": "knowledge", "name": "Знание мира профессий", "kind": "percent_correct", "spheres": [],
         "bands": _levels(
             "Ты пока мало знаешь о том, чем заняты люди разных профессий. Профессиональные пробы — хороший "
             "способ узнать это на практике.",
             "Ты знаешь основное о многих профессиях. Узнай подробнее о тех, что тебе интересны: где им учат, "
             "какие задачи решают специалисты.",
             "Ты хорошо знаешь мир профессий. Теперь важно примерить интересные профессии на себя.",
             (0, 40, 80, 100),
         )},
        {"code": "self_organisation", "name": "Самоорганизация", "kind": "sum", "spheres": [], "bands": _levels(
            "Тебе пока трудно планировать свою работу. Попробуй делить большие задания на маленькие шаги и "
            "записывать сроки.",
            "Ты умеешь планировать, но не всегда. Простой план на неделю поможет доводить дела до конца.",
            "Ты умеешь планировать свою работу и доводить её до конца — это ценят в любой профессии.",
            (0, 3, 5, 6),
        )},
        {"code": "teamwork", "name": "Работа в команде", "kind": "sum", "spheres": [], "bands": _levels(
            "Ты чаще действуешь в одиночку. Попробуй групповые проекты: многие задачи в профессиях решают вместе.",
            "Ты умеешь работать с другими, когда это нужно. Развивай умение договариваться и распределять дела.",
            "Ты умеешь договариваться и работать в команде — на пробах это очень пригодится.",
            (0, 3, 5, 6),
        )},
    ],
    "questions": [
        _knowledge(1, "Кто пишет программы для компьютеров и проверяет, как они работают?",
                   "Программист", "Оператор котельной", "Фармацевт", "Кондитер"),
        _knowledge(1, "Чем занимается сварщик?",
                   "Соединяет металлические детали, нагревая их", "Проектирует здания на компьютере",
                   "Ухаживает за растениями в теплице", "Настраивает компьютерные сети"),
        _knowledge(1, "Кто ухаживает за больными и выполняет назначения врача?",
                   "Медицинская сестра", "Логист", "Агроном", "Графический дизайнер"),
        _knowledge(1, "Кто придумывает афиши, логотипы и упаковку товаров?",
                   "Графический дизайнер", "Электромонтажник", "Лаборант химического анализа", "Бухгалтер"),
        _knowledge(1, "Чем занимается агроном?",
                   "Планирует выращивание растений и следит за урожаем", "Ремонтирует автомобили",
                   "Готовит блюда по технологическим картам", "Воспитывает детей в детском саду"),
        {"page": 2, "text": "Через неделю нужно сдать проект. Как ты поступишь?", "options": [
            ("Разобью работу на части и распишу, что делать каждый день", {"self_organisation": 2}, False),
            ("Соберу команду и распределю задания", {"teamwork": 2}, False),
            ("Начну, когда появится настроение", {}, False),
            ("Сделаю часть сам(а), а с трудным попрошу помочь одноклассника",
             {"self_organisation": 1, "teamwork": 1}, False),
        ]},
        {"page": 2, "text": "В команде возник спор, как выполнять общее задание. Что ты сделаешь?", "options": [
            ("Предложу выслушать каждого и вместе выбрать лучшее решение", {"teamwork": 2}, False),
            ("Предложу план: кто что делает и к какому сроку", {"self_organisation": 2}, False),
            ("Подожду, пока кто-нибудь другой решит", {}, False),
            ("Предложу проголосовать и договориться о сроках", {"self_organisation": 1, "teamwork": 1}, False),
        ]},
        {"page": 2, "text": "Тебе дали сложное задание, какого ты раньше не делал(а). Как начнёшь?", "options": [
            ("Составлю план и найду, где узнать недостающее", {"self_organisation": 2}, False),
            ("Спрошу тех, кто делал похожее, и обсужу с ними", {"teamwork": 2}, False),
            ("Отложу до последнего", {}, False),
            ("Попробую сразу, а по ходу спрошу совета", {"self_organisation": 1, "teamwork": 1}, False),
        ]},
    ],
}

BANK = [STAGE_1, STAGE_2, STAGE_3]


def install_diagnostic_bank(get_model) -> list[int]:
    """Create version 1 (published) of each stage that has no test yet; return the stages created.

    `get_model(app_label, model_name)` is `apps.get_model` of a migration (historical models) or of the running
    project, so only plain fields are used here."""
    Instrument = get_model("participants", "DiagnosticInstrument")
    Version = get_model("participants", "DiagnosticVersion")
    Scale = get_model("participants", "DiagnosticScale")
    Band = get_model("participants", "DiagnosticBand")
    Question = get_model("participants", "DiagnosticQuestion")
    Option = get_model("participants", "DiagnosticOption")
    created = []
    for spec in BANK:
        if Instrument.objects.filter(stage=spec["stage"]).exists():
            continue
        instrument = Instrument.objects.create(
            stage=spec["stage"], title=spec["title"], description=spec["description"]
        )
        version = Version.objects.create(
            instrument=instrument, number=1, status="published", note="Первая версия",
            published_at=_now(),
        )
        for order, scale_spec in enumerate(spec["scales"], start=1):
            scale = Scale.objects.create(
                version=version, code=scale_spec["code"], name=scale_spec["name"], kind=scale_spec["kind"],
                spheres="\n".join(scale_spec["spheres"]), order=order,
            )
            Band.objects.bulk_create(
                Band(scale=scale, min_score=low, max_score=high, label=label, text=text)
                for low, high, label, text in scale_spec["bands"]
            )
        for number, question_spec in enumerate(spec["questions"], start=1):
            question = Question.objects.create(
                version=version, number=number, page=question_spec["page"], text=question_spec["text"]
            )
            Option.objects.bulk_create(
                Option(question=question, order=order, text=text, weights=weights, is_correct=correct)
                for order, (text, weights, correct) in enumerate(question_spec["options"], start=1)
            )
        created.append(spec["stage"])
    return created


def _now():
    from django.utils import timezone

    return timezone.now()
