"""JSON answers of the loopback AWS test server.

The content types of the JSON protocols, and epoch(): the JSON APIs send
timestamps as epoch seconds where the estate keeps ISO 8601 text, for the
member names in keys (each handler module names the members its services
send as numbers).
"""
import calendar, datetime

JSON10 = "application/x-amz-json-1.0"
JSON11 = "application/x-amz-json-1.1"
REST_JSON = "application/json"


def epoch(v, keys):
    """v with every ISO 8601 string under a member named in keys as epoch seconds."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k in keys and isinstance(x, str):
                try:
                    x = calendar.timegm(datetime.datetime.strptime(x[:19], "%Y-%m-%dT%H:%M:%S").timetuple())
                except ValueError:
                    pass
            out[k] = epoch(x, keys)
        return out
    if isinstance(v, list):
        return [epoch(x, keys) for x in v]
    return v
