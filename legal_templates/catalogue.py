"""The catalogue of templates as shipped: one TOML file per template in `legal_templates/catalogue/`.

A file is read and checked as a whole (its keys, fields, legal basis, template texts, and its example, which
must be valid values); `read_catalogue` reports every problem of every file at once, so a broken catalogue
never half-loads. What a file holds is listed in `legal_templates/catalogue/README.md`.
"""

import dataclasses
import datetime
import functools
import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from django.template import TemplateSyntaxError

from legal_templates.fields import (
    CHOICE,
    FIELD_TYPES,
    JUSTIFICATION_PARTS,
    UNIT_FIELD_TYPES,
    clean_field_values,
    clean_justification,
    json_values,
)
from legal_templates.models import Executor
from legal_templates.rendering import LOCAL_LAW_YES, compile_template_text
from municipalities.levels import Level

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
# The names a template text uses: "{{ name", "{{ name|filter", "{% if name", "{% elif not name".
USED_NAME = re.compile(r"(?:{{\s*|{%\s*(?:el)?if\s+(?:not\s+)?)([a-z_][a-z0-9_]*)")

REQUIRED_KEYS = {
    "slug": str,
    "title": str,
    "levels": list,
    "is_local_law": bool,
    "resolution_title": str,
    "body": str,
    "legal_basis": list,
    "fields": list,
    "example": dict,
    "example_justification": dict,
}
OPTIONAL_KEYS = {
    "description": str,
    "position": int,
    "executor": str,
    "basis_template": str,
    "local_law_field": str,
}
FIELD_KEYS = {
    "name",
    "label",
    "type",
    "required",
    "help",
    "choices",
    "max_length",
    "min",
    "max",
    "paragraphs",
}
PROVISION_KEYS = {"act", "journal", "provisions", "as_of", "levels"}


class CatalogueError(Exception):
    """The catalogue cannot be loaded; `problems` name each file and what is wrong in it."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclasses.dataclass(frozen=True)
class CatalogueEntry:
    slug: str
    title: str
    description: str
    levels: tuple[str, ...]
    is_local_law: bool
    position: int
    executor: str
    resolution_title: str
    body: str
    basis_template: str
    local_law_field: str
    legal_basis: list[dict[str, Any]]
    fields: list[dict[str, Any]]
    example: dict[str, Any]
    example_justification: dict[str, str]
    content_hash: str

    @property
    def template_values(self) -> dict[str, Any]:
        """What the template row holds."""
        return {
            "title": self.title,
            "description": self.description,
            "levels": list(self.levels),
            "is_local_law": self.is_local_law,
            "position": self.position,
        }

    @property
    def version_values(self) -> dict[str, Any]:
        """What a version row holds."""
        return {
            "legal_basis": self.legal_basis,
            "fields": self.fields,
            "resolution_title": self.resolution_title,
            "body": self.body,
            "executor": self.executor,
            "basis_template": self.basis_template,
            "local_law_field": self.local_law_field,
            "example": self.example,
            "example_justification": self.example_justification,
            "content_hash": self.content_hash,
        }


def read_catalogue(directory: Path = CATALOGUE_DIR) -> list[CatalogueEntry]:
    """Every entry of the catalogue, in file-name order; CatalogueError listing every problem found."""
    paths = sorted(directory.glob("*.toml"))
    # The parse is cached per file state, so tests and `seed_demo` may load the catalogue again cheaply.
    stamp = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in paths)
    return list(_read_files(stamp))


@functools.lru_cache(maxsize=8)
def _read_files(stamp: tuple[tuple[str, int, int], ...]) -> tuple[CatalogueEntry, ...]:
    entries, problems = [], []
    for name, _mtime, _size in stamp:
        path = Path(name)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            problems.append(f"{path.name}: cannot read: {error}")
            continue
        entry, file_problems = _entry(path, data)
        problems.extend(f"{path.name}: {problem}" for problem in file_problems)
        if entry is not None:
            entries.append(entry)
    slugs = [entry.slug for entry in entries]
    problems.extend(
        f"slug {slug!r} is used by more than one file" for slug in sorted(set(slugs)) if slugs.count(slug) > 1
    )
    if problems:
        raise CatalogueError(problems)
    return tuple(entries)


def _entry(path: Path, data: dict[str, Any]) -> tuple[CatalogueEntry | None, list[str]]:
    problems: list[str] = []
    for key, kind in REQUIRED_KEYS.items():
        if key not in data:
            problems.append(f"missing key {key!r}")
        elif not isinstance(data[key], kind):
            problems.append(f"{key!r} must be a {kind.__name__}")
    for key, kind in OPTIONAL_KEYS.items():
        if key in data and not isinstance(data[key], kind):
            problems.append(f"{key!r} must be a {kind.__name__}")
    unknown = sorted(set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        problems.append(f"unknown keys: {', '.join(unknown)}")
    if problems:
        return None, problems

    if data["slug"] != path.stem or not SLUG.fullmatch(data["slug"]):
        problems.append(f"slug must be the file's name in lower case with hyphens, here {path.stem!r}")
    levels = data["levels"]
    if not levels or any(level not in Level.values for level in levels) or len(set(levels)) != len(levels):
        problems.append(f"levels must be some of {', '.join(Level.values)}")
    executor = data.get("executor", Executor.EXECUTIVE)
    if executor not in Executor.values:
        problems.append(f"executor must be one of {', '.join(Executor.values)}")

    fields, field_problems = _fields(data["fields"])
    problems.extend(field_problems)
    legal_basis, basis_problems = _legal_basis(data["legal_basis"], levels, bool(data.get("basis_template")))
    problems.extend(basis_problems)

    local_law_field = data.get("local_law_field", "")
    if local_law_field:
        field = next((field for field in fields if field["name"] == local_law_field), None)
        values = {choice["value"] for choice in field.get("choices", [])} if field else set()
        if field is None or field["type"] != CHOICE or LOCAL_LAW_YES not in values:
            problems.append(f"local_law_field must name a choice field with the value {LOCAL_LAW_YES!r}")

    names = {field["name"] for field in fields}
    for key in ("resolution_title", "body", "basis_template"):
        source = data.get(key, "")
        try:
            compile_template_text(source)
        except TemplateSyntaxError as error:
            problems.append(f"{key}: {error}")
            continue
        unknown_names = sorted(set(USED_NAME.findall(source)) - names)
        if unknown_names:
            problems.append(f"{key} uses names that are no field: {', '.join(unknown_names)}")

    example: dict[str, Any] = {}
    if not field_problems:
        cleaned, errors = clean_field_values(fields, data["example"])
        problems.extend(f"example: {name}: {' '.join(messages)}" for name, messages in errors.items())
        # Stored as JSON keeps it (a TOML date becomes "YYYY-MM-DD"), and as the API gives it to clients.
        example = {name: value for name, value in json_values(cleaned).items() if value is not None}
    # Prose in the files is wrapped at the editor's margin; a single line break there is a space.
    justification = data["example_justification"]
    if all(isinstance(text, str) for text in justification.values()):
        justification = {part: _unwrap(text) for part, text in justification.items()}
    parts, errors = clean_justification(justification)
    problems.extend(
        f"example_justification: {name}: {' '.join(messages)}" for name, messages in errors.items()
    )
    problems.extend(
        f"example_justification: {part} is empty"
        for part in JUSTIFICATION_PARTS
        if not errors and not parts[part]
    )
    if problems:
        return None, problems

    normalised = {
        "slug": data["slug"],
        "title": data["title"].strip(),
        "description": _unwrap(data.get("description", "")),
        "levels": tuple(levels),
        "is_local_law": data["is_local_law"],
        "position": data.get("position", 0),
        "executor": executor,
        "resolution_title": data["resolution_title"].strip(),
        "body": data["body"].strip(),
        "basis_template": data.get("basis_template", "").strip(),
        "local_law_field": local_law_field,
        "legal_basis": legal_basis,
        "fields": fields,
        "example": example,
        "example_justification": parts,
    }
    canonical = json.dumps(normalised, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return CatalogueEntry(**normalised, content_hash=hashlib.sha256(canonical.encode()).hexdigest()), []


def _fields(raw_fields: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    fields, problems, seen = [], [], set()
    for index, raw in enumerate(raw_fields, start=1):
        where = f"field {index}"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be a table")
            continue
        name = raw.get("name")
        where = f"field {name!r}" if isinstance(name, str) else where
        unknown = sorted(set(raw) - FIELD_KEYS)
        if unknown:
            problems.append(f"{where}: unknown keys: {', '.join(unknown)}")
        if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
            problems.append(f"{where}: name must be lower case letters, digits and '_'")
            continue
        if name in seen:
            problems.append(f"{where}: the name is used twice")
        seen.add(name)
        field_type = raw.get("type")
        if field_type not in FIELD_TYPES:
            problems.append(f"{where}: type must be one of {', '.join(FIELD_TYPES)}")
            continue
        if not isinstance(raw.get("label"), str) or not raw["label"].strip():
            problems.append(f"{where}: label is missing")
            continue
        field: dict[str, Any] = {
            "name": name,
            "label": raw["label"].strip(),
            "type": field_type,
            # Values from the council's data are never typed, so never required from the committee.
            "required": bool(raw.get("required", False)) and field_type not in UNIT_FIELD_TYPES,
            "help": " ".join(str(raw.get("help", "")).split()),
        }
        if field_type == CHOICE:
            choices = raw.get("choices")
            if (
                not isinstance(choices, list)
                or not choices
                or not all(
                    isinstance(choice, dict)
                    and set(choice) == {"value", "label"}
                    and all(isinstance(text, str) and text for text in choice.values())
                    for choice in choices
                )
            ):
                problems.append(f"{where}: choices must be a list of {{value, label}} tables")
                continue
            field["choices"] = [{"value": choice["value"], "label": choice["label"]} for choice in choices]
        for key in ("max_length", "min", "max"):
            if key in raw:
                if not isinstance(raw[key], int) or isinstance(raw[key], bool):
                    problems.append(f"{where}: {key} must be a whole number")
                else:
                    field[key] = raw[key]
        if raw.get("paragraphs"):
            field["paragraphs"] = True
        fields.append(field)
    return fields, problems


def _legal_basis(
    raw_basis: list[Any], levels: list[str], typed: bool
) -> tuple[list[dict[str, Any]], list[str]]:
    basis, problems = [], []
    for index, raw in enumerate(raw_basis, start=1):
        where = f"legal_basis {index}"
        if not isinstance(raw, dict) or set(raw) - PROVISION_KEYS:
            problems.append(f"{where}: keys must be some of {', '.join(sorted(PROVISION_KEYS))}")
            continue
        if not all(
            isinstance(raw.get(key), str) and raw[key].strip() for key in ("act", "journal", "provisions")
        ):
            problems.append(f"{where}: act, journal and provisions are required")
            continue
        if not raw["provisions"].startswith("art."):
            problems.append(f"{where}: provisions must start with 'art.'")
        if not isinstance(raw.get("as_of"), datetime.date):
            problems.append(f"{where}: as_of must be a date (the consolidated text's), e.g. 2024-10-04")
            continue
        provision_levels = raw.get("levels", [])
        if not isinstance(provision_levels, list) or set(provision_levels) - set(levels):
            problems.append(f"{where}: levels must be some of the template's levels")
            continue
        item = {
            "act": raw["act"].strip(),
            "journal": raw["journal"].strip(),
            "provisions": raw["provisions"].strip(),
            "as_of": raw["as_of"].isoformat(),
        }
        if provision_levels:
            item["levels"] = list(provision_levels)
        basis.append(item)
    if not typed:
        for level in levels:
            if not any(not item.get("levels") or level in item["levels"] for item in basis):
                problems.append(f"no provision of the legal basis applies at the level {level!r}")
    return basis, problems


def _unwrap(text: str) -> str:
    """Lines joined into paragraphs; a blank line still separates paragraphs."""
    paragraphs = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
