from flask import Blueprint

bp = Blueprint("complaints", __name__)
