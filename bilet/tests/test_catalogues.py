"""Every msgid the portal's code and templates use has a Russian translation in its app's catalogue — the one
`makemessages` writes it to (the nearest `locale/` above the file, else LOCALE_PATHS): an English string on a Russian
page is a bug, a fuzzy or empty entry compiles to nothing, and a msgid translated only in another app's catalogue (or in
Django's) is what `makemessages` + `msgattrib --untranslated` report as missing. The msgids are found the way
`makemessages` finds them: gettext calls with literal arguments in Python, and Django's own `templatize` for the
templates (the PDFs' stylesheet templates too)."""

import ast
import gettext
import io
import os
import re
import subprocess
import tokenize
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages
from django.utils.translation import templatize

SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "media", "static", "staticfiles", "__pycache__", "tests",
                "migrations"}
TEMPLATE_SUFFIXES = {".html", ".txt", ".css", ".xml"}
# name → (index of the context, of the msgid, of the plural), as xgettext's keywords for Django
KEYWORDS = {
    **dict.fromkeys(("gettext", "gettext_lazy", "gettext_noop", "_"), (None, 0, None)),
    **dict.fromkeys(("ngettext", "ngettext_lazy"), (None, 0, 1)),
    **dict.fromkeys(("pgettext", "pgettext_lazy"), (0, 1, None)),
    **dict.fromkeys(("npgettext", "npgettext_lazy"), (0, 1, 2)),
}
TEMPLATIZED_CALL = re.compile(r"(?<![\w.])(gettext|pgettext|ngettext|npgettext|_)\(")


def source_files():
    for folder, dirs, files in os.walk(settings.BASE_DIR):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder, name)
            in_templates = "templates" in path.relative_to(settings.BASE_DIR).parts
            if path.suffix == ".py" or (in_templates and path.suffix in TEMPLATE_SUFFIXES):
                yield path


def python_messages(path: Path):
    """(line, keyword, literal arguments) of each gettext call in a module; aliases of django.utils.translation's
    functions (`gettext as _t`) count as their function."""
    tree = ast.parse(path.read_text(), str(path))
    names = dict(zip(KEYWORDS, KEYWORDS))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names.update({alias.asname: alias.name for alias in node.names if alias.asname and alias.name in KEYWORDS})
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        keyword = names.get(func) if isinstance(node.func, ast.Name) else (func if func in KEYWORDS else None)
        if keyword in KEYWORDS:
            literals = [arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                        for arg in node.args]
            yield node.lineno, keyword, literals


def template_messages(path: Path):
    """(line, keyword, literal arguments) of each message `templatize` writes for a template."""
    text = templatize(path.read_text(), origin=str(path))
    for match in TEMPLATIZED_CALL.finditer(text):
        literals = []
        tokens = tokenize.generate_tokens(io.StringIO(text[match.end():]).readline)
        for token in tokens:
            if token.type == tokenize.STRING:
                literals.append(ast.literal_eval(token.string))
            elif token.type == tokenize.OP and token.string == ")":
                break
        keyword = "gettext" if match[1] == "_" else match[1]
        yield text.count("\n", 0, match.start()) + 1, keyword, literals


@cache
def compiled_catalogue(locale_dir: Path) -> dict:
    """The Russian catalogue of a locale folder as msgfmt compiles it (no fuzzy or empty entries)."""
    po = locale_dir / "ru" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return {}
    mo = subprocess.run(["msgfmt", "-o", "-", str(po)], capture_output=True, check=True).stdout
    return gettext.GNUTranslations(io.BytesIO(mo))._catalog


def catalogue_of(path: Path) -> dict:
    for folder in path.parents:
        if (folder / "locale").is_dir() and folder != Path(settings.BASE_DIR):
            return compiled_catalogue(folder / "locale")
        if folder == Path(settings.BASE_DIR):
            break
    return compiled_catalogue(Path(settings.LOCALE_PATHS[0]))


def missing_translations(path: Path) -> list[str]:
    messages = python_messages(path) if path.suffix == ".py" else template_messages(path)
    catalog = catalogue_of(path)
    missing = []
    for line, keyword, literals in messages:
        context_at, msgid_at, plural_at = KEYWORDS[keyword]
        if msgid_at >= len(literals) or not literals[msgid_at]:
            continue  # not a literal: the msgid is extracted where the literal stands (gettext_noop)
        key = literals[msgid_at] if context_at is None else f"{literals[context_at]}\x04{literals[msgid_at]}"
        keys = [key] if plural_at is None else [(key, form) for form in range(4)]  # nplurals=4
        if not all(catalog.get(k) for k in keys):
            missing.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {literals[msgid_at]!r}")
    return missing


def test_every_msgid_of_the_code_and_templates_has_a_russian_translation_in_its_apps_catalogue():
    missing = [line for path in source_files() for line in missing_translations(path)]
    assert missing == [], "\n".join(["No Russian translation in the app's locale/ru django.po:", *missing])


def test_the_check_sees_a_message_its_apps_catalogue_does_not_translate(tmp_path, settings):
    settings.BASE_DIR, settings.LOCALE_PATHS = tmp_path, [tmp_path / "locale"]
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "views.py").write_text(
        'from django.utils.translation import gettext as tr, ngettext, pgettext\n'
        'tr("Translated here.")\ntr("Nobody translated this sentence.")\ntr("Russian")\n'
        'ngettext("%(n)s row", "%(n)s rows", 2)\nngettext("%(n)s half-translated row", "%(n)s rows", 2)\n'
        'pgettext("month", "May")\n'
    )
    (tmp_path / "app" / "templates" / "page.html").write_text(
        '{% load i18n %}<p>{% translate "Translated here." %}</p>\n'
        '{% blocktranslate with n=3 %}{{ n }} sentences nobody translated{% endblocktranslate %}\n'
    )
    (tmp_path / "app" / "settings.css").write_text('{% translate "Outside templates: not a template." %}')
    po = tmp_path / "app" / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || '
        'n%100>14) ? 1 : n%10==0 || (n%10>=5 && n%10<=9) || (n%100>=11 && n%100<=14)? 2 : 3);\\n"\n\n'
        'msgid "Translated here."\nmsgstr "Переведено здесь."\n\n'
        '#, fuzzy\nmsgid "Nobody translated this sentence."\nmsgstr "Догадка msgmerge."\n\n'
        '#, python-format\nmsgid "%(n)s row"\nmsgid_plural "%(n)s rows"\n'
        'msgstr[0] "%(n)s строка"\nmsgstr[1] "%(n)s строки"\nmsgstr[2] "%(n)s строк"\nmsgstr[3] "%(n)s строки"\n\n'
        '#, python-format\nmsgid "%(n)s half-translated row"\nmsgid_plural "%(n)s rows"\n'
        'msgstr[0] "%(n)s строка"\nmsgstr[1] ""\nmsgstr[2] ""\nmsgstr[3] ""\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "мая"\n'
    )
    compiled_catalogue.cache_clear()
    found = [line for path in source_files() for line in missing_translations(path)]
    compiled_catalogue.cache_clear()
    # "Russian" is translated in the bilet app's catalogue and in Django's, not in this app's
    assert sorted(found) == [
        "app/templates/page.html:2: '%(n)s sentences nobody translated'",
        "app/views.py:3: 'Nobody translated this sentence.'",
        "app/views.py:4: 'Russian'",
        "app/views.py:6: '%(n)s half-translated row'",
    ]


def test_makemessages_reads_the_stylesheet_templates_unless_told_otherwise(monkeypatch):
    runs = []
    monkeypatch.setattr(makemessages.Command, "handle", lambda self, *args, **options: runs.append(options) or "")
    call_command("makemessages", locale=["ru"], verbosity=0)
    call_command("makemessages", locale=["ru"], extensions=["html"], verbosity=0)
    call_command("makemessages", locale=["ru"], domain="djangojs", verbosity=0)
    assert [run["extensions"] for run in runs] == [["html", "txt", "py", "css"], ["html"], None]
