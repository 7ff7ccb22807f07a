"""The REST API's shared parts (``/api/v1/``, docs/api.md): the token model and its
services, token and session authentication, scopes, the rate per token, the one JSON
error format, cursor pages with ``?fields=``, and the token pages of the UI.

The endpoints live with their apps (``refugees/api.py``, ``projects/api.py``,
``funding/api.py``, ``reports/api.py``) and go through the same access helpers and
services as the views; ``config/urls.py`` mounts them.
"""
