# ruff: noqa: E501  (a table of columns reads better one per line)
"""The columns of the downloadable files, declared once: the writers and the data dictionary.

Column names are stable snake_case Spanish (the public interface of the files); each has a type
(texto, entero, decimal, fecha, fecha_hora) and a description shown in the data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.investments.models import Investment, YearlyExecution


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    attribute: str
    description: object
    #: The unit of a figure (Table Schema and dictionary), in Spanish: "soles (PEN)", "%"…
    unit: str | None = None


_I = Investment
INVESTMENT_COLUMNS = (
    Column("cui", "texto", "cui", _l("Código Único de Inversiones (MEF).")),
    Column("snip", "texto", "snip", _l("Código SNIP anterior, si lo tiene.")),
    Column("nombre", "texto", "name", _l("Nombre de la inversión.")),
    Column("estado", "texto", "status", _l("Estado en palabras simples: en_ejecucion, paralizada, finalizada o sin_iniciar (ver /metodologia).")),
    Column("fase", "texto", "phase", _l("Fase del ciclo: formulacion, ejecucion, funcionamiento o cierre.")),
    Column("situacion", "texto", "situation", _l("Situación según el MEF.")),
    Column("nivel_gobierno", "texto", "level", _l("Nivel de gobierno (GN, GR, GL).")),
    Column("sector", "texto", "sector", _l("Sector responsable.")),
    Column("entidad", "texto", "entity", _l("Entidad responsable.")),
    Column("funcion", "texto", "function", _l("Función presupuestal.")),
    Column("programa", "texto", "program", _l("Programa presupuestal.")),
    Column("tipologia", "texto", "typology", _l("Tipología del proyecto.")),
    Column("modalidad", "texto", "modality", _l("Modalidad de ejecución.")),
    Column("unidad_ejecutora", "texto", "sec_ejec", _l("Código SEC_EJEC de la unidad ejecutora.")),
    Column("unidad_ejecutora_nombre", "texto", "executing_unit_name", _l("Nombre de la unidad ejecutora.")),
    Column("departamento", "texto", "department", _l("Departamento.")),
    Column("provincia", "texto", "province", _l("Provincia.")),
    Column("distrito", "texto", "district", _l("Distrito.")),
    Column("ubigeo", "texto", "ubigeo", _l("Código INEI del distrito (6 dígitos).")),
    Column("latitud", "decimal", "latitude", _l("Latitud (WGS 84) tal como la publica el MEF."), "grados"),
    Column("longitud", "decimal", "longitude", _l("Longitud (WGS 84) tal como la publica el MEF."), "grados"),
    Column("coordenadas", "texto", "coords_status", _l("Calidad de las coordenadas: ok, missing, zero, swapped u outside.")),
    Column("costo_viable", "decimal", "viable_cost", _l("Costo con el que se declaró viable, en soles."), "soles (PEN)"),
    Column("costo_actualizado", "decimal", "updated_cost", _l("Costo actualizado, en soles."), "soles (PEN)"),
    Column("pia", "decimal", "pia_current", _l("Presupuesto institucional de apertura del año, en soles."), "soles (PEN)"),
    Column("pim", "decimal", "pim_current", _l("Presupuesto institucional modificado del año, en soles."), "soles (PEN)"),
    Column("devengado_anio", "decimal", "devengado_current", _l("Devengado del año, en soles."), "soles (PEN)"),
    Column("devengado_acumulado", "decimal", "devengado_accumulated", _l("Devengado acumulado de todos los años, en soles."), "soles (PEN)"),
    Column("saldo_por_ejecutar", "decimal", "balance_to_execute", _l("Saldo por ejecutar, en soles."), "soles (PEN)"),
    Column("avance_fisico", "decimal", "progress", _l("Avance físico, en porcentaje: el mayor que informa alguna fuente; 100 si la inversión está cerrada y ninguna informa otro (el mismo que muestran la ficha, la API y /buscar.csv)."), "%"),
    Column("beneficiarios", "entero", "beneficiaries", _l("Beneficiarios declarados.")),
    Column("fecha_registro", "fecha", "registered_on", _l("Fecha de registro en el banco de inversiones.")),
    Column("fecha_viabilidad", "fecha", "viable_on", _l("Fecha de la declaración de viabilidad.")),
    Column("inicio_ejecucion", "fecha", "execution_start_on", _l("Inicio de la ejecución.")),
    Column("fin_ejecucion", "fecha", "execution_end_on", _l("Fin previsto o real de la ejecución.")),
    Column("fecha_cierre", "fecha", "closed_on", _l("Fecha de cierre, si está cerrada.")),
    Column("alertas", "texto", "red_flags", _l("Señales de alerta, separadas por espacios (ver /metodologia).")),
    Column("ultimo_cambio", "fecha_hora", "changed_at", _l("Última vez que una importación cambió un dato de esta inversión (hora de Lima, con su desfase: -05:00).")),
)  # fmt: skip

YEARLY_COLUMNS = (
    Column("cui", "texto", "cui", _l("Código Único de Inversiones (MEF).")),
    Column("anio", "entero", "year", _l("Año fiscal.")),
    Column("unidad_ejecutora", "texto", "sec_ejec", _l("Código SEC_EJEC de la unidad ejecutora.")),
    Column("unidad_ejecutora_nombre", "texto", "executing_unit_name", _l("Nombre de la unidad ejecutora.")),
    Column("nivel_gobierno", "texto", "government_level", _l("Nivel de gobierno.")),
    Column("pia", "decimal", "pia", _l("Presupuesto institucional de apertura, en soles."), "soles (PEN)"),
    Column("pim", "decimal", "pim", _l("Presupuesto institucional modificado, en soles."), "soles (PEN)"),
    Column("certificado", "decimal", "certified", _l("Monto certificado, en soles."), "soles (PEN)"),
    Column("comprometido", "decimal", "committed", _l("Compromiso anual, en soles."), "soles (PEN)"),
    Column("devengado", "decimal", "devengado", _l("Devengado, en soles."), "soles (PEN)"),
    Column("pagado", "decimal", "paid", _l("Girado o pagado, en soles."), "soles (PEN)"),
)  # fmt: skip

_DAYS = "días"
#: ``ciclo.csv``: one row per executing unit (the figures of /ciclo and /unidades.csv).
CYCLE_COLUMNS = (
    Column("sec_ejec", "texto", "", _l("Código SEC_EJEC de la unidad ejecutora.")),
    Column("unidad", "texto", "", _l("Nombre de la unidad ejecutora.")),
    Column("inversiones", "entero", "", _l("Inversiones de la unidad (la suma de las cinco etapas).")),
    Column("etapa_formulacion", "entero", "", _l("Inversiones en formulación: sin declaración de viabilidad.")),
    Column("etapa_viable", "entero", "", _l("Inversiones viables que aún no empiezan a ejecutarse.")),
    Column("etapa_ejecucion", "entero", "", _l("Inversiones en ejecución o paralizadas.")),
    Column("etapa_terminada", "entero", "", _l("Inversiones terminadas que no figuran en el archivo de cierres del MEF.")),
    Column("etapa_cerrada", "entero", "", _l("Inversiones cerradas según el archivo de cierres del MEF.")),
    Column("pendientes_de_cierre", "entero", "", _l("Obras terminadas que esperan su liquidación y cierre (la misma cifra que /unidades.csv).")),
    Column("mediana_dias_viable_a_gasto", "entero", "", _l("Mediana de días de la declaración de viabilidad al primer devengado; vacía sin datos."), _DAYS),
    Column("mediana_dias_gasto_a_termino", "entero", "", _l("Mediana de días del primer devengado al término de la obra (INFObras, Formato 12-B, banco de inversiones o último devengado); vacía sin datos."), _DAYS),
    Column("mediana_dias_termino_a_cierre", "entero", "", _l("Mediana de días del término de la obra al cierre; vacía sin datos."), _DAYS),
    Column("inversiones_mediana_viable_a_gasto", "entero", "", _l("Inversiones con ambas fechas en las que se basa la primera mediana.")),
    Column("inversiones_mediana_gasto_a_termino", "entero", "", _l("Inversiones con ambas fechas en las que se basa la segunda mediana.")),
    Column("inversiones_mediana_termino_a_cierre", "entero", "", _l("Inversiones con ambas fechas en las que se basa la tercera mediana.")),
)  # fmt: skip

#: ``brechas.csv``: one row per district (the figures of /brechas and /brechas.csv).
GAPS_COLUMNS = (
    Column("ubigeo", "texto", "", _l("Código INEI del distrito (6 dígitos).")),
    Column("distrito", "texto", "", _l("Distrito.")),
    Column("provincia", "texto", "", _l("Provincia.")),
    Column("poblacion", "entero", "", _l("Población estimada: superficie por densidad de 2020 (INEI), redondeada."), "habitantes"),
    Column("pobreza_total_pct", "decimal", "", _l("Pobreza total del distrito (INEI)."), "%"),
    Column("idh", "decimal", "", _l("Índice de desarrollo humano 2019 (PNUD), de 0 a 1.")),
    Column("inversiones", "entero", "", _l("Inversiones ubicadas en el distrito (las de toda una provincia o del departamento no se reparten).")),
    Column("costo_actualizado", "decimal", "", _l("Suma del costo actualizado de esas inversiones, en soles."), "soles (PEN)"),
    Column("inversion_por_habitante", "decimal", "", _l("Costo actualizado entre población, en soles por habitante."), "soles (PEN) por habitante"),
)  # fmt: skip

#: Table columns in file order, for one streamed SELECT per file.
INVESTMENT_SELECT = tuple(getattr(_I, c.attribute) for c in INVESTMENT_COLUMNS)
YEARLY_SELECT = tuple(getattr(YearlyExecution, c.attribute) for c in YEARLY_COLUMNS)


def dictionary_rows() -> list[tuple[str, str, str, str, str]]:
    """(file, column, type, description, unit) for the data dictionary file, in Spanish."""
    from flask_babel import force_locale

    with force_locale("es"):
        return [
            (file, c.name, c.kind, str(c.description), c.unit or "")
            for file, columns in (
                ("inversiones.csv / inversiones.xlsx", INVESTMENT_COLUMNS),
                ("ejecucion_anual.csv", YEARLY_COLUMNS),
                ("ciclo.csv", CYCLE_COLUMNS),
                ("brechas.csv", GAPS_COLUMNS),
            )
            for c in columns
        ]
