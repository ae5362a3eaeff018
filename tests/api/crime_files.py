"""A small country for the crime API and CLI tests, as the files an observatory would upload.

The population adds up to 8,385,072 and the police homicide counts to 7,172, the published example
whose rate is 85.5 per 100,000.
"""

import io

import openpyxl

TERRITORIES_CSV = """code,name,level,parent_code
XX,Patria,country,
R1,Norte,region,XX
R2,Sur,region,XX
M11,Alfa,municipality,R1
M12,Beta,municipality,R1
M21,Gamma,municipality,R2
"""

# municipality -> age group -> (female, male) in 2025
POPULATION_2025 = {
    "M11": {"0-14": (400_000, 420_000), "15-64": (1_500_000, 1_450_000), "65+": (200_000, 160_000)},
    "M12": {"0-14": (150_000, 160_000), "15-64": (600_000, 580_000), "65+": (90_000, 70_000)},
    "M21": {"0-14": (290_000, 300_000), "15-64": (900_000, 880_000), "65+": (130_000, 105_072)},
}
TOTAL_POPULATION = 8_385_072
FEMALE_POPULATION = sum(female for groups in POPULATION_2025.values() for female, _ in groups.values())

MAPPING_CSV = """national_code,iccs_code,description
HOM,0101,Homicidio doloso
ROB,0401,Robo con violencia
HURV,050211,Hurto de vehículos
EXT,02051,Extorsión
"""

# (month, municipality, sex) -> police-recorded homicide victims
HOMICIDES = {
    ("2025-01", "M11", "female"): 250, ("2025-02", "M11", "female"): 250,
    ("2025-01", "M11", "male"): 1_500, ("2025-02", "M11", "male"): 1_500,
    ("2025-01", "M12", "female"): 150, ("2025-02", "M12", "female"): 150,
    ("2025-01", "M12", "male"): 1_000, ("2025-02", "M12", "male"): 1_000,
    ("2025-01", "M21", "female"): 86, ("2025-02", "M21", "female"): 86,
    ("2025-01", "M21", "male"): 600, ("2025-02", "M21", "male"): 600,
}
TOTAL_HOMICIDES = 7_172
FEMALE_HOMICIDES = 972

# Victim records: four women killed (three femicides under the UNODC-UN Women framework) and a man.
INCIDENTS_CSV = """date,territory,offence,victim_sex,victim_age,relationship,gender_related_context,record_id
2025-03-02,M11,HOM,female,34,intimate_partner,,A-1
2025-04-11,M12,HOM,female,51,family_member,,A-2
2025-05-20,M21,HOM,female,19,stranger,sexual_violence,A-3
2025-06-01,M21,HOM,female,40,stranger,,A-4
2025-06-07,M11,HOM,male,29,intimate_partner,,A-5
2025-07-09,M11,ROB,female,,,,A-6
"""
FEMICIDES = 3


def population_csv() -> str:
    lines = ["territory,year,sex,age_group,population"]
    for territory, groups in POPULATION_2025.items():
        for age_group, (female, male) in groups.items():
            lines.append(f"{territory},2025,female,{age_group},{female}")
            lines.append(f"{territory},2025,male,{age_group},{male}")
    return "\n".join(lines) + "\n"


def homicides_csv() -> str:
    lines = ["period,territory,offence,sex,count"]
    lines.extend(f"{month},{territory},HOM,{sex},{count}" for (month, territory, sex), count in HOMICIDES.items())
    return "\n".join(lines) + "\n"


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
