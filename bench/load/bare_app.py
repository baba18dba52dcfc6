"""The floor: a bare Flask + Jinja page of about the same shape, served by the same gunicorn.

gunicorn -c deploy/gunicorn.conf.py --chdir bench/load 'bare_app:app'
"""

from flask import Flask, render_template_string

app = Flask(__name__)

PAGE = """<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><h1>{{ title }}</h1><ul>{% for row in rows %}<li>{{ row.name }}: S/ {{
"{:,.2f}".format(row.amount) }}</li>{% endfor %}</ul></body></html>"""
ROWS = [{"name": f"Inversión {i}", "amount": 1000.0 * i} for i in range(20)]


@app.get("/")
def page():
    return render_template_string(PAGE, title="Página mínima", rows=ROWS)
