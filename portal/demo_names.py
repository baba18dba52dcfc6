"""Word lists and published column layouts for the demo data set (see `portal.demo`).

Kept apart so the generator reads as logic; the headers are the published layouts (by name and
order) that the importer maps by name.
"""

from typing import NamedTuple

_MONTHS = "ENE FEB MAR ABR MAY JUN JUL AGO SET OCT NOV DIC".split()

DETALLE_HEADER = (
    "NIVEL SECTOR ENTIDAD CODIGO_UNICO CODIGO_SNIP NOMBRE_INVERSION NOMBRE_OPMI NOMBRE_UF "
    "NOMBRE_UEI NOMBRE_UEP SEC_EJEC ESTADO SITUACION MONTO_VIABLE COSTO_ACTUALIZADO CTRL_CONCURR "
    "MONTO_LAUDO MONTO_FIANZA ALTERNATIVA FECHA_REGISTRO FECHA_VIABILIDAD FUNCION PROGRAMA "
    "SUBPROGRAMA MARCO TIPO_INVERSION DES_MODALIDAD REGISTRADO_PMI PMI_ANIO_1 PMI_ANIO_2 "
    "PMI_ANIO_3 PMI_ANIO_4 EXPEDIENTE_TECNICO INFORME_CIERRE TIENE_F9 FEC_REG_F9 ETAPA_F9 "
    "PRIMER_DEVENGADO ULTIMO_DEVENGADO DEVEN_ACUMUL_ANIO_ANT DEV_ANIO_ACTUAL PIA_ANIO_ACTUAL "
    "PIM_ANIO_ACTUAL CERTIF_ANIO_ACTUAL COMPROM_ANUAL_ANIO_ACTUAL SALDO_EJECUTAR TIENE_F8 "
    "ETAPA_F8 TIENE_F12B TIENE_AVAN_FISICO AVANCE_FISICO AVANCE_EJECUCION ULT_FEC_DECLA_ESTIM "
    "DES_TIPOLOGIA IND_IOARR_EMERG DEPARTAMENTO PROVINCIA DISTRITO UBIGEO LATITUD LONGITUD "
    "FEC_INI_EJECUCION FEC_FIN_EJECUCION FEC_INI_EJEC_FISICA FEC_FIN_EJEC_FISICA "
    "NUM_HABITANTES_BENEF MONTO_ET_F8 ANIO_PROCESO"
).split()

CIERRE_HEADER = (
    "NIVEL SECTOR ENTIDAD CODIGO_UNICO CODIGO_SNIP NOMBRE_INVERSION NOM_OPMI NOM_UF NOM_UEI "
    "RESPONSABLE_UEI NOM_UEP SEC_EJEC ESTADO SITUACION MONTO_VIABLE COSTO_ACTUALIZADO "
    "CONTROL_CONCURR MONTO_LAUDO MONTO_FIANZA FECHA_REGISTRO FECHA_VIABILIDAD FUNCION PROGRAMA "
    "SUBPROGRAMA MARCO TIPO_INVERSION DES_MODALIDAD EXPEDIENTE_TECNICO INFORME_CIERRE TIENE_F9 "
    "FEC_REG_F9 ETAPA_F9 PRIMER_DEVENGADO ULTIMO_DEVENGADO TIENE_F8 TIENE_F12B DES_TIPOLOGIA "
    "DEPARTAMENTO PROVINCIA DISTRITO UBIGEO LATITUD LONGITUD FEC_CIERRE DES_CIERRE CULMINADA "
    "INICIO_EJEC_FISICA CULMINA_EJEC_FISICA FEC_INI_OPER DEVEN_ACUMULADO TOTAL_LIQUIDACION "
    "FEC_LIQUIDACION ANIO_PROCESO"
).split()

F12B_HEADER = (
    (
        "CODIGO_UNICO NOMBRE_INVERSION ESTADO PRIMER_DEVENGADO ULTIMO_DEVENGADO "
        "DEVENGADO_ACUMULADO DEV_AÑO_ACTUAL PIM_AÑO_ACTUAL FECHA_ULT_ACT_F12B ULT_PERIODO_REG_F12B "
        "AVANCE_FISICO ULT_ESTADO_SITUACIONAL ULT_PROBLEMA ACC_PROBLEMA "
        "ULT_FEC_DECLA_ESTIM AVANCE_EJECUCION"
    ).split()
    + [f"DEV_{m}_AÑO_VIG" for m in _MONTHS]
    + [f"MONTO_{kind}_{n}" for kind in ("ACTUALIZADO", "PROGRAMADO") for n in range(1, 13)]
    + ["INICIO_EJEC_FISICA", "CULMINA_EJEC_FISICA"]
)

ESTADO_HEADER = "CODIGO_UNICO PERIODO DESCRIPCION TIP_REGISTRO COD_TIPO FECHA_REGISTRO".split()

SEGUIMIENTO_HEADER = (
    "ANO_EJE NIVEL_GOBIERNO SECTOR PLIEGO SEC_EJEC EJECUTORA_NOMBRE DEPARTAMENTO_EJECUTORA_NOMBRE "
    "PRODUCTO_PROYECTO PRODUCTO_PROYECTO_NOMBRE FUNCION_NOMBRE MONTO_PIA MONTO_PIM "
    "MONTO_CERTIFICADO MONTO_COMPROMETIDO_ANUAL MONTO_DEVENGADO MONTO_GIRADO"
).split()

INFOBRAS_TITLE = (
    "CONTRALORÍA GENERAL DE LA REPÚBLICA",
    "INFOBRAS - Sistema Nacional de Información de Obras Públicas",
    "DataSet de Obras Públicas",
)
INFOBRAS_HEADER = [
    "Código INFOBRAS",
    "Código Único de Inversión",
    "Código SNIP",
    "Nombre de la obra",
    "Entidad",
    "Nivel de gobierno",
    "Departamento",
    "Provincia",
    "Distrito",
    "Tipo de obra",
    "Modalidad de ejecución",
    "Estado de ejecución",
    "Monto aprobado en soles",
    "Monto del contrato  en soles",
    "Monto de la obra en soles",
    "Fecha de inicio de obra",
    "Fecha de finalización programada",
    "Fecha de finalización real",
    "Avance físico programado (%)",
    "Avance físico real (%)",
    "Existe paralización",
    "Causal de paralización",
    "Fecha de paralización",
    "RUC del contratista",
    "Contratista",
    "Supervisor",
    "Latitud",
    "Longitud",
    "Fecha de última actualización",
]

PP_HEADER = (
    "anio cui prioridad nombre ubigeo monto_asignado acta comite_vigilancia observaciones"
).split()


class Kind(NamedTuple):
    """One line of the functional classifier, with the names such investments get."""

    funcion: str
    programa: str
    subprograma: str
    tipologia: str
    tipo_obra: str  # INFObras' own wording
    max_millions: int
    templates: tuple[str, ...]


_WHERE = ", DISTRITO DE {dist} - PROVINCIA DE {prov} - DEPARTAMENTO DE {dep}"
KINDS = (
    Kind(
        "SANEAMIENTO",
        "SANEAMIENTO",
        "SANEAMIENTO RURAL",
        "AGUA POTABLE Y SANEAMIENTO",
        "Agua potable y saneamiento",
        12,
        (
            "MEJORAMIENTO Y AMPLIACIÓN DEL SERVICIO DE AGUA POTABLE Y SANEAMIENTO EN EL CASERÍO "
            "{c1}" + _WHERE,
            "CREACIÓN DEL SERVICIO DE AGUA POTABLE RURAL EN LOS CASERÍOS {c1} Y {c2}" + _WHERE,
        ),
    ),
    Kind(
        "TRANSPORTE",
        "TRANSPORTE TERRESTRE",
        "VÍAS VECINALES",
        "CAMINOS VECINALES",
        "Caminos Vecinales",
        35,
        (
            "CREACIÓN DEL CAMINO VECINAL {c1} - {c2}" + _WHERE,
            "MEJORAMIENTO DE LA TRANSITABILIDAD VEHICULAR Y PEATONAL EN EL CENTRO POBLADO {c1}"
            + _WHERE,
        ),
    ),
    Kind(
        "EDUCACION",
        "EDUCACION BASICA",
        "EDUCACION PRIMARIA",
        "EDUCACIÓN PRIMARIA",
        "Educación Primaria",
        20,
        (
            "MEJORAMIENTO DEL SERVICIO EDUCATIVO DE LA I.E. N° {num} DEL CASERÍO {c1}, DISTRITO "
            "DE {dist}, PROVINCIA DE {prov}, DEPARTAMENTO DE {dep}",
        ),
    ),
    Kind(
        "SALUD",
        "SALUD INDIVIDUAL",
        "ATENCION MEDICA BASICA",
        "ESTABLECIMIENTOS DE SALUD",
        "Establecimientos de salud",
        45,
        (
            "MEJORAMIENTO DE LOS SERVICIOS DE SALUD DEL PUESTO DE SALUD {c1} DEL DISTRITO DE "
            "{dist} - PROVINCIA DE {prov} - DEPARTAMENTO DE {dep}",
        ),
    ),
    Kind(
        "AGROPECUARIA",
        "RIEGO",
        "INFRAESTRUCTURA DE RIEGO",
        "RIEGO",
        "Riego",
        15,
        (
            "MEJORAMIENTO DEL SERVICIO DE AGUA PARA RIEGO DEL CANAL {c1} EN EL DISTRITO DE {dist}, "
            "PROVINCIA DE {prov}",
        ),
    ),
    Kind(
        "AGROPECUARIA",
        "DESARROLLO AGRARIO Y RURAL",
        "APOYO AL DESARROLLO PRODUCTIVO",
        "APOYO AL DESARROLLO PRODUCTIVO",
        "Apoyo a la producción",
        6,
        (
            "MEJORAMIENTO DE LA CADENA PRODUCTIVA DE CAFÉ EN LOS CASERÍOS {c1} Y {c2}" + _WHERE,
            "MEJORAMIENTO DE LA PRODUCCIÓN DE LECHE DE LOS PEQUEÑOS PRODUCTORES DEL CASERÍO {c1}"
            + _WHERE,
        ),
    ),
    Kind(
        "ENERGIA",
        "ENERGIA ELECTRICA",
        "DISTRIBUCION DE ENERGIA ELECTRICA",
        "ELECTRIFICACIÓN RURAL",
        "Electrificación rural",
        18,
        (
            "CREACIÓN DEL SERVICIO DE ENERGÍA ELÉCTRICA MEDIANTE SISTEMA CONVENCIONAL EN LOS "
            "CASERÍOS {c1} Y {c2} DEL DISTRITO DE {dist}",
        ),
    ),
    Kind(
        "AMBIENTE",
        "GESTION INTEGRAL DE LA CALIDAD AMBIENTAL",
        "CONSERVACION DE LA DIVERSIDAD",
        "ECOSISTEMAS",
        "Ambiente",
        8,
        (
            "RECUPERACIÓN DE LOS SERVICIOS ECOSISTÉMICOS DE REGULACIÓN HÍDRICA EN LA MICROCUENCA "
            "{c1}, DISTRITO DE {dist}",
        ),
    ),
)

# Hamlets (caseríos) of the northern Andes; any district may have one of these names.
CASERIOS = (
    "LA CUCHILLA",
    "CHONTAPACCHA",
    "HUALANGOPAMPA",
    "PAMPA LA LAGUNA",
    "SANTA BÁRBARA",
    "NUEVO PARAÍSO",
    "QUINUAMAYO",
    "YANACANCHA",
    "LLAUCÁN",
    "EL TAMBO",
    "LA PAUCA",
    "CUMBE",
    "PUEBLO LIBRE",
    "LOS ALISOS",
    "TUNASPAMPA",
    "MAYGASBAMBA",
    "CHAMIS",
    "HUACARIZ",
    "SHAULLO",
    "COCHAPAMPA",
    "LA COLPA",
    "AGUA BLANCA",
    "CAÑAFISTO",
    "EL PORVENIR",
    "SAN ANTONIO",
    "LA ESPERANZA",
    "PEÑA BLANCA",
    "HUAMBOCANCHA",
    "POROPORO",
    "MOYOCUCHO",
    "CHUGURMAYO",
    "PIÑIPATA",
    "LA UÑIGAN",
    "SOGORÓN",
    "PALTARUMI",
    "CHALLUAYACU",
    "ALTO PERÚ",
    "LAS ROSAS",
    "SANTA ROSA DE CHACAPAMPA",
    "EL LIRIO",
    "QUELLOCUCHO",
    "CHORRO BLANCO",
)

GR_ENTITY = "GOBIERNO REGIONAL DEL DEPARTAMENTO DE CAJAMARCA"
# Executing units of the regional government (sec_ejec, name as MEF publishes it).
GR_UNITS = {
    "SEDE": ("758", "REGION CAJAMARCA-SEDE CENTRAL"),
    "AGROPECUARIA": ("759", "REGION CAJAMARCA-AGRICULTURA"),
    "TRANSPORTE": ("760", "REGION CAJAMARCA-TRANSPORTES"),
    "CHOTA": ("761", "REGION CAJAMARCA-SUB REGION CHOTA"),
    "CUTERVO": ("762", "REGION CAJAMARCA-SUB REGION CUTERVO"),
    "JAEN": ("763", "REGION CAJAMARCA-SUB REGION JAEN"),
    "EDUCACION": ("764", "REGION CAJAMARCA-EDUCACION"),
    "SALUD": ("765", "REGION CAJAMARCA-SALUD CAJAMARCA"),
    "PRORREGION": ("1286", "REGION CAJAMARCA-PROYECTO ESPECIAL PRORREGION"),
}
# Provinces served by a sub-region rather than by the central units.
SUBREGION_OF = {"0604": "CHOTA", "0613": "CHOTA", "0606": "CUTERVO", "0608": "JAEN", "0609": "JAEN"}

# Districts of neighbouring departments: (ubigeo, department, province, district, lat, lon).
OTHER_DISTRICTS = (
    ("150101", "LIMA", "LIMA", "LIMA", -12.0464, -77.0428),
    ("150132", "LIMA", "LIMA", "SAN JUAN DE LURIGANCHO", -11.9870, -77.0100),
    ("130101", "LA LIBERTAD", "TRUJILLO", "TRUJILLO", -8.1116, -79.0288),
    ("130601", "LA LIBERTAD", "OTUZCO", "OTUZCO", -7.9030, -78.5660),
    ("140101", "LAMBAYEQUE", "CHICLAYO", "CHICLAYO", -6.7714, -79.8409),
    ("010101", "AMAZONAS", "CHACHAPOYAS", "CHACHAPOYAS", -6.2317, -77.8690),
)

PARALYSIS_CAUSES = (
    "RESOLUCIÓN DE CONTRATO POR INCUMPLIMIENTO DEL CONTRATISTA",
    "FALTA DE PRESUPUESTO PARA LA CONTINUIDAD DE LA OBRA",
    "DEFICIENCIAS EN EL EXPEDIENTE TÉCNICO; ADICIONAL DE OBRA EN EVALUACIÓN",
    "CONTROVERSIA SOMETIDA A ARBITRAJE",
    "CONFLICTO SOCIAL CON LA COMUNIDAD POR LIBRE DISPONIBILIDAD DEL TERRENO",
    "LLUVIAS INTENSAS; VÍA DE ACCESO INTERRUMPIDA",
)
#: What the unit reports it will do about each cause (F12-B ``ACC_PROBLEMA``), in the same order.
PARALYSIS_ACTIONS = (
    "RESOLUCIÓN DE CONTRATO EN TRÁMITE; SE CONVOCARÁ SALDO DE OBRA",
    "SE GESTIONA DEMANDA ADICIONAL DE PRESUPUESTO",
    "ADICIONAL DE OBRA EN EVALUACIÓN",
    "ARBITRAJE EN CURSO; SE ESPERA LAUDO",
    "MESA DE DIÁLOGO CON LA COMUNIDAD PARA EL SANEAMIENTO DEL TERRENO",
    "REINICIO PREVISTO AL TERMINAR LA TEMPORADA DE LLUVIAS",
)
CONTRACTORS = (
    "CONSORCIO VIAL CAJAMARCA",
    "INGENIEROS DEL NORTE E.I.R.L.",
    "CONSTRUCTORA SAN MARCOS S.A.C.",
    "CONSORCIO AGUA LIMPIA",
    "CORPORACIÓN ANDINA DE OBRAS S.A.C.",
    "CONSORCIO SALUD CHOTA",
    "J&M CONTRATISTAS GENERALES S.R.L.",
    "CONSORCIO JAÉN PROGRESA",
)
SUPERVISORS = (
    "SUPERVISORES ANDINOS S.A.C.",
    "CONSORCIO SUPERVISOR NORTE",
    "ING. CARLOS VÁSQUEZ TERRONES",
)
