"""A bare Flask app answering "hello": the floor a shop page is measured against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
