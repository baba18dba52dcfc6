# ruff: noqa: E501  (definitions read better one per line)
"""The words of public investment, each with an anchor on /glosario and a one-line meaning.

Pages link a word to its definition with the ``term`` macro (templates/_macros/glossary.html);
the anchors are public (``/glosario#devengado``): keep them when a definition changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Term:
    #: The anchor on /glosario.
    slug: str
    name: object
    #: One line, shown as the link's title where the word appears on a page.
    short: object
    definition: object


_TERMS = (
    Term("devengado", _l("Devengado"),
         _l("Gasto reconocido: el Estado ya recibió el bien, el servicio o la parte de la obra y debe pagarla."),
         _l("Es el gasto que el Estado reconoce cuando ya recibió el bien, el servicio o la parte de la obra que va a pagar. Es la cifra con la que el Ministerio de Economía y Finanzas (MEF) mide cuánto se ha gastado: cuando usted lee «gastado» en Vigía, se trata del devengado. El devengado acumulado suma el de todos los años.")),
    Term("pia", _l("PIA"),
         _l("Presupuesto Institucional de Apertura: el presupuesto con que empieza el año."),
         _l("Presupuesto Institucional de Apertura: el monto que la ley de presupuesto asigna a una entidad (y, dentro de ella, a cada inversión) al empezar el año fiscal. Durante el año suele cambiar; el presupuesto cambiado es el PIM.")),
    Term("pim", _l("PIM"),
         _l("Presupuesto Institucional Modificado: el presupuesto del año con sus cambios."),
         _l("Presupuesto Institucional Modificado: el PIA más las ampliaciones y menos las reducciones aprobadas durante el año. Es el presupuesto con el que realmente cuenta la inversión en el año, y con el que se mide la ejecución del año.")),
    Term("cui", _l("CUI"),
         _l("Código Único de Inversiones: el número que identifica a cada inversión pública."),
         _l("Código Único de Inversiones: el número que el banco de inversiones del MEF asigna a cada inversión y que no cambia en ninguna de sus fases. Con él puede usted buscarla en Vigía, en Invierte.pe, en el Formato 12-B y en INFObras.")),
    Term("snip", _l("SNIP"),
         _l("Sistema Nacional de Inversión Pública, anterior a Invierte.pe (hasta 2017)."),
         _l("Sistema Nacional de Inversión Pública: el sistema que registró los proyectos hasta 2017, cuando lo reemplazó Invierte.pe. Los proyectos de esa época tienen además un código SNIP; Vigía lo muestra junto al CUI.")),
    Term("banco-de-inversiones", _l("Banco de inversiones (Invierte.pe)"),
         _l("El registro del MEF donde figura toda inversión pública del Perú."),
         _l("El registro del Sistema Nacional de Programación Multianual y Gestión de Inversiones (Invierte.pe) del MEF. Toda inversión pública se registra en él, desde su formulación hasta su cierre, con su costo, su unidad ejecutora y su avance. Es la fuente principal de Vigía.")),
    Term("ubigeo", _l("Ubigeo"),
         _l("Código del INEI para un lugar: 2 dígitos el departamento, 4 la provincia, 6 el distrito."),
         _l("Código de ubicación geográfica del INEI. Los dos primeros dígitos indican el departamento (Cajamarca es 06), los cuatro primeros la provincia y los seis el distrito. Vigía lo usa para ubicar cada inversión y en las direcciones de las páginas de lugares.")),
    Term("unidad-ejecutora", _l("Unidad ejecutora"),
         _l("La oficina de una entidad que tiene presupuesto propio y contrata y paga la inversión."),
         _l("La dependencia de una entidad pública (por ejemplo, la sede de un gobierno regional o una de sus subregiones) que tiene presupuesto propio y es responsable de contratar, pagar y ejecutar la inversión. Se identifica con un código (SEC_EJEC). A ella puede usted dirigir sus preguntas sobre una obra.")),
    Term("nucleo-ejecutor", _l("Núcleo Ejecutor"),
         _l("Una organización de vecinos que recibe fondos públicos y ejecuta ella misma una obra."),
         _l("Una organización de la población beneficiaria que, por convenio con el Estado, recibe los fondos y ejecuta directamente una obra, por lo general pequeña (por ejemplo, con FONCODES). Rinde cuentas del dinero como cualquier otro ejecutor.")),
    Term("costo-viable", _l("Costo viable"),
         _l("El costo con el que la inversión se declaró viable, antes del expediente técnico."),
         _l("El costo estimado con el que la inversión se declaró viable al terminar la fase de formulación y evaluación. Compararlo con el costo actualizado muestra cuánto creció el costo.")),
    Term("costo-actualizado", _l("Costo actualizado"),
         _l("El costo total vigente de la inversión, con los cambios aprobados desde su viabilidad."),
         _l("El costo total vigente de la inversión: el costo viable con los cambios aprobados después (expediente técnico, adicionales de obra, mayores gastos). Vigía lo usa para calcular el avance financiero.")),
    Term("avance-fisico", _l("Avance físico"),
         _l("Qué parte de la obra está construida, en porcentaje."),
         _l("Qué parte de la obra está efectivamente construida, en porcentaje. Lo informan la unidad ejecutora en el Formato 12-B, la Contraloría en INFObras y el banco de inversiones; Vigía muestra las tres cifras y usa la mayor para las señales de alerta.")),
    Term("avance-financiero", _l("Avance financiero"),
         _l("Devengado acumulado entre costo actualizado: qué parte del costo total ya se gastó."),
         _l("El devengado acumulado de todos los años dividido entre el costo actualizado: qué parte del costo total ya se gastó. Si es mucho mayor que el avance físico, se gastó más de lo que se construyó, y Vigía lo marca como señal de alerta.")),
    Term("ejecucion-del-anio", _l("Ejecución del año"),
         _l("Devengado del año entre el PIM del año: qué parte del presupuesto del año ya se gastó."),
         _l("El devengado de un año dividido entre el PIM del mismo año: qué parte del presupuesto de ese año ya se gastó. No dice cuánto de la obra está hecho; para eso vea el avance físico.")),
    Term("estado", _l("Estado"),
         _l("Dónde está hoy la inversión, en palabras simples: sin iniciar, en ejecución, paralizada o finalizada."),
         _l("Las palabras con que Vigía resume dónde está hoy la inversión: sin iniciar, en ejecución, paralizada o finalizada. La metodología explica de qué datos sale cada una.")),
    Term("fase", _l("Fase"),
         _l("La etapa del ciclo de inversión: formulación y evaluación, ejecución, funcionamiento o cierre."),
         _l("La etapa del ciclo de inversión de Invierte.pe: formulación y evaluación (se estudia y se declara viable), ejecución (se elabora el expediente técnico y se construye), funcionamiento (la obra presta servicio) y cierre.")),
    Term("paralizada", _l("Paralizada"),
         _l("Una obra detenida, según INFObras o el estado situacional de la inversión."),
         _l("Una obra que se detuvo antes de terminarse, por ejemplo por falta de presupuesto, problemas con el contratista, un arbitraje o defectos del expediente técnico. Vigía la marca así cuando INFObras o el estado situacional registrado en el MEF lo indican.")),
    Term("liquidacion", _l("Liquidación y cierre"),
         _l("La cuenta final de la obra y su registro como terminada en el banco de inversiones."),
         _l("La liquidación es la cuenta final de un contrato o de una obra: lo que realmente se ejecutó y se pagó. El cierre es el registro, en el banco de inversiones, de que la inversión terminó; después del cierre ya no se puede registrar gasto en ella.")),
    Term("formato-12b", _l("Formato 12-B"),
         _l("El reporte mensual de seguimiento que la unidad ejecutora registra en el MEF."),
         _l("El formato de seguimiento que la unidad ejecutora debe registrar cada mes en el banco de inversiones para las inversiones en ejecución: avance físico, gasto programado y real por mes, problemas y acciones previstas. Si falta, usted no puede saber por esa vía cómo va la obra.")),
    Term("infobras", _l("INFObras"),
         _l("El sistema de la Contraloría con información de cada obra pública."),
         _l("El Sistema Nacional de Información de Obras Públicas de la Contraloría General de la República: contratos, avance, fotos, paralizaciones y fechas de cada obra, registrados por la entidad que la ejecuta.")),
    Term("presupuesto-participativo", _l("Presupuesto participativo"),
         _l("El proceso anual en que el gobierno regional o local y la población priorizan inversiones."),
         _l("El proceso anual en que el gobierno regional o local y las organizaciones de la sociedad civil acuerdan qué inversiones priorizar con una parte del presupuesto. Vigía marca las inversiones priorizadas, con su año y su puesto.")),
    Term("comite-de-vigilancia", _l("Comité de vigilancia"),
         _l("Ciudadanos elegidos en el presupuesto participativo para vigilar que se cumplan los acuerdos."),
         _l("Las personas elegidas por los agentes participantes del presupuesto participativo para vigilar que se cumplan los acuerdos y que las inversiones priorizadas se ejecuten. Pueden pedir información a la entidad e informar a la Contraloría; Vigía les ofrece las cifras y las observaciones de cada inversión.")),
    Term("oc4ids", _l("OC4IDS"),
         _l("Un estándar internacional de datos abiertos sobre proyectos de infraestructura."),
         _l("Open Contracting for Infrastructure Data Standard: un formato abierto e internacional para publicar datos de proyectos de infraestructura, de modo que se puedan comparar entre países. Vigía publica sus datos también en ese formato, en la página de datos abiertos.")),
)  # fmt: skip

#: slug → Term, in the order the glossary lists them.
GLOSSARY: dict[str, Term] = {t.slug: t for t in _TERMS}
