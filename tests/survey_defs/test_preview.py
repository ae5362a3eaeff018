from survey_defs.preview import preview, preview_markdown

FORM = """
| survey |
|        | type          | name   | label::English (en) | label::Español (es) | relevant     | constraint | sensitive |
|        | integer       | age    | Age                 | Edad                |              | . >= 15    |           |
|        | begin_group   | vawg   | Module              | Módulo              | ${age} >= 15 |            | yes       |
|        | select_one yn | hit    | Hit?                | ¿Golpeada?          |              |            |           |
|        | end_group     |        |                     |                     |              |            |           |
| choices |
|         | list_name | name | label::English (en) | label::Español (es) |
|         | yn        | y    | Yes                 | Sí                  |
|         | yn        | n    | No                  | No                  |
"""


def test_preview_shows_texts_in_the_chosen_language(load_form):
    rendered = preview(load_form(FORM), "Español (es)")
    assert [element["label"] for element in rendered["elements"]] == ["Edad", "Módulo"]


def test_preview_nests_children_with_their_logic_and_choices(load_form):
    group = preview(load_form(FORM))["elements"][1]
    assert group["logic"] == {"relevant": "${age} >= 15"}
    assert group["children"][0]["choices"] == [{"name": "y", "label": "Yes"}, {"name": "n", "label": "No"}]


def test_preview_lists_the_languages(load_form):
    assert preview(load_form(FORM))["languages"] == ["English (en)", "Español (es)"]


def test_markdown_preview_shows_logic_and_sensitivity(load_form):
    text = preview_markdown(load_form(FORM))
    assert "- `vawg` (group) — Module **sensitive**" in text
    assert "  - relevant: `${age} >= 15`" in text
