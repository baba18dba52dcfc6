"""Plain words for the codes of the public records, translatable, in one place."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.i18n import format_day, format_money, format_percent
from portal.importer.sources.mef_inversiones import DATE_FIELDS, FLAG_FIELDS, MONEY_FIELDS
from portal.investments.flags import FLAG_LABELS
from portal.places import place_line

STATUS_LABELS = {
    "en_ejecucion": _l("En ejecución"),
    "paralizada": _l("Paralizada"),
    "finalizada": _l("Finalizada"),
    "sin_iniciar": _l("Sin iniciar"),
}

PHASE_LABELS = {
    "formulacion": _l("Formulación y evaluación"),
    "ejecucion": _l("Ejecución"),
    "funcionamiento": _l("Funcionamiento"),
    "cierre": _l("Cierre"),
}

SOURCE_LABELS = {
    "mef-inversiones": _l("MEF, Banco de Inversiones (Invierte.pe)"),
    "mef-cierre": _l("MEF, inversiones cerradas"),
    "mef-f12b": _l("MEF, Formato 12-B"),
    "mef-estado-situacional": _l("MEF, estado situacional"),
    "mef-seguimiento": _l("MEF, seguimiento de la ejecución presupuestal"),
    "infobras": _l("Contraloría, INFObras"),
    "presupuesto-participativo": _l("Presupuesto participativo (lista curada)"),
    "oece-ocds": _l("OECE, Contrataciones Abiertas (OCDS)"),
}

RUN_STATUS_LABELS = {
    "imported": _l("importado"),
    "unchanged": _l("sin cambios"),
    "rejected": _l("rechazado"),
}

COORDINATE_LABELS = {
    "ok": _l("correctas"),
    "missing": _l("sin coordenadas"),
    "zero": _l("en 0,0"),
    "swapped": _l("latitud y longitud invertidas (corregidas)"),
    "outside": _l("fuera del Perú"),
}

#: What an import expected in a column whose values it could not read (/estado).
VALUE_KIND_LABELS = {
    "amount": _l("un monto"),
    "whole_number": _l("un número entero"),
    "date": _l("una fecha"),
    "period": _l("un mes (AAAAMM)"),
    "yes_no": _l("sí o no"),
    "ubigeo": _l("un código de ubigeo"),
    "percent": _l("un porcentaje"),
    "code": _l("un código numérico"),
    "value": _l("otro tipo de dato"),
}


TIMELINE_LABELS = {
    "registered": _l("Registro en el banco de inversiones"),
    "viable": _l("Declarada viable"),
    "execution_start": _l("Inicio previsto de la ejecución"),
    "first_devengado": _l("Primer gasto (devengado)"),
    "last_devengado": _l("Último gasto (devengado)"),
    "closed": _l("Cierre de la inversión"),
    "f12b_report": _l("Último Formato 12-B"),
    "situation": _l("Estado situacional"),
    "works_started": _l("Inicio de obra (INFObras)"),
    "works_stalled": _l("Obra paralizada (INFObras)"),
    "works_finished": _l("Fin de obra (INFObras)"),
}

#: Plain words for the fields the change history names (the importer logs column names).
CHANGE_FIELD_LABELS = {
    "name": _l("Nombre"),
    "snip": _l("Código SNIP"),
    "sec_ejec": _l("Unidad ejecutora (código)"),
    "executing_unit_name": _l("Unidad ejecutora"),
    "ubigeo": _l("Ubicación (ubigeo)"),
    "latitude": _l("Latitud"),
    "longitude": _l("Longitud"),
    "coords_status": _l("Calidad de las coordenadas"),
    "state": _l("Estado en el banco de inversiones"),
    "situation": _l("Situación en el banco de inversiones"),
    "modality": _l("Modalidad de ejecución"),
    "function": _l("Función"),
    "viable_cost": _l("Costo viable"),
    "updated_cost": _l("Costo actualizado"),
    "pia_current": _l("Presupuesto inicial del año (PIA)"),
    "pim_current": _l("Presupuesto modificado del año (PIM)"),
    "certified_current": _l("Monto certificado del año"),
    "devengado_current": _l("Gasto del año (devengado)"),
    "devengado_previous_years": _l("Gasto de años anteriores"),
    "devengado_accumulated": _l("Gasto acumulado (devengado)"),
    "balance_to_execute": _l("Saldo por ejecutar"),
    "liquidation_total": _l("Monto de liquidación"),
    "physical_progress": _l("Avance físico"),
    "execution_progress": _l("Porcentaje de ejecución publicado por el MEF"),
    "has_f12b": _l("Tiene Formato 12-B"),
    "has_technical_file": _l("Tiene expediente técnico"),
    "concurrent_control_amount": _l("Control concurrente de la Contraloría (monto)"),
    "arbitration_award_amount": _l("Laudos arbitrales (monto)"),
    "bond_amount": _l("Fianzas (monto)"),
    "culminated": _l("Culminada"),
    "beneficiaries": _l("Beneficiarios"),
    "registered_on": _l("Fecha de registro"),
    "viable_on": _l("Fecha de viabilidad"),
    "first_devengado_on": _l("Fecha del primer gasto"),
    "last_devengado_on": _l("Fecha del último gasto"),
    "execution_start_on": _l("Inicio de ejecución"),
    "execution_end_on": _l("Fin de ejecución previsto"),
    "physical_start_on": _l("Inicio de obra"),
    "physical_end_on": _l("Fin de obra previsto"),
    "closed_on": _l("Fecha de cierre"),
    # Logged only when a work joins or leaves the unit's pending closures (portal/cycle/closures).
    "cycle_stage": _l("Etapa del ciclo"),
    # Logged when an OCDS import adds or changes a process of the investment (its ocid).
    "contract_process": _l("Proceso de contratación"),
    "process_year": _l("Año de los datos"),
    "source": _l("Archivo de origen"),
}

#: The stages of the investment cycle (/ciclo), as its page names them.
CYCLE_STAGE_LABELS = {
    "formulacion": _l("En formulación"),
    "viable": _l("Viable, sin iniciar"),
    "ejecucion": _l("En ejecución"),
    "terminada": _l("Terminada, sin cerrar"),
    "cerrada": _l("Cerrada"),
}

BOTTLENECK_LABELS = {
    "paralizada": _l("Obras paralizadas"),
    "plazo_vencido": _l("Plazo vencido sin terminar"),
    "gasto_adelantado": _l("Gasto muy por delante de la obra"),
}


def change_value_text(text: str | None, field: str) -> str:
    """A change-log value as the page shows figures: 'S/ 500,000', '23 nov. 2026', 'Sí'."""
    if text is None or text == "":
        return "—"
    try:
        if field in MONEY_FIELDS:
            return format_money(Decimal(text))
        if field in ("physical_progress", "execution_progress"):
            return format_percent(Decimal(text))
        if field in DATE_FIELDS or field.endswith("_on"):
            return format_day(dt.date.fromisoformat(text[:10]))
    except (InvalidOperation, ValueError):
        return text
    if field == "cycle_stage":
        return str(CYCLE_STAGE_LABELS.get(text, text))
    if field in FLAG_FIELDS:
        return _("Sí") if text == "True" else _("No") if text == "False" else text
    return text


def problem_type_text(text: str | None) -> str:
    """F-12B's problem type in plain words: 'PROBLEMA (Paralización)' → 'Paralización'."""
    if not text:
        return "—"
    inner = text.strip()
    if inner.upper().startswith("PROBLEMA (") and inner.endswith(")"):
        inner = inner[len("PROBLEMA (") : -1].strip()
    return inner[:1].upper() + inner[1:] if inner else "—"


def init_app(app) -> None:
    app.jinja_env.filters["change_value"] = change_value_text
    app.jinja_env.filters["problem_type"] = problem_type_text
    app.jinja_env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        PHASE_LABELS=PHASE_LABELS,
        SOURCE_LABELS=SOURCE_LABELS,
        RUN_STATUS_LABELS=RUN_STATUS_LABELS,
        COORDINATE_LABELS=COORDINATE_LABELS,
        VALUE_KIND_LABELS=VALUE_KIND_LABELS,
        FLAG_LABELS=FLAG_LABELS,
        TIMELINE_LABELS=TIMELINE_LABELS,
        CHANGE_FIELD_LABELS=CHANGE_FIELD_LABELS,
        BOTTLENECK_LABELS=BOTTLENECK_LABELS,
        place_line=place_line,
    )
