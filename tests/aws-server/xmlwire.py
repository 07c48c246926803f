"""XML answers of the loopback AWS test server: the one serializer.

Every XML answer the server builds from estate records goes through
to_xml(), which walks a record (dicts, lists, scalars) and names each
element after a per-protocol style:

  Query(members)       query protocol (IAM, STS, SNS, RDS, CloudWatch, ELB,
                       Redshift, ElastiCache) and S3's REST-XML: member names
                       as the API gives them, lists of <member> or of the
                       list's locationName from members.
  Ec2(renames, table)  EC2: lower-case first letter unless renamed (renames
                       by name, table by name and parent), lists of <item>.
  CloudFront(items)    CloudFront's REST-XML: lists are elements named after
                       their parent's item name (items), default <Item>.

Maps under the keys in MAPS (IAM SummaryMap, SNS Attributes) go out as
<entry><key/><value/></entry>, in every style. scalar() is the one text
encoding of a value: booleans lower-case, integral floats with one decimal,
everything else str(), XML-escaped.
"""
from xml.sax.saxutils import escape

MAPS = ("SummaryMap", "Attributes")


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v == int(v):
        return "%.1f" % v
    return escape(str(v))


def lower_first(k):
    return k[:1].lower() + k[1:]


def element(name, inner):
    return "<%s>%s</%s>" % (name, inner, name)


class Query:
    """Names kept; lists of <member> unless members names the list's items."""

    def __init__(self, members=None):
        self.members = members or {}

    def name(self, key, parent):
        return key

    def item(self, key, parent):
        return self.members.get(key, "member")

    def item_parent(self, key, item):
        """The parent the members of a list item see."""
        return key


class Ec2(Query):
    """EC2: renames by name, then table rows (name, parent or None, wire),
    else the name with a lower-case first letter; lists of <item>."""

    def __init__(self, renames=None, table=()):
        Query.__init__(self)
        self.renames = renames or {}
        self.table = table

    def name(self, key, parent):
        if key in self.renames:
            return self.renames[key]
        for api, p, wire in self.table:
            if api == key and (p is None or p == parent):
                return wire
        return lower_first(key)

    def item(self, key, parent):
        return "item"


class CloudFront(Query):
    """CloudFront: a list's items are named after its parent (items)."""

    def __init__(self, items):
        Query.__init__(self)
        self.items = items

    def item(self, key, parent):
        return self.items.get(parent, "Item")

    def item_parent(self, key, item):
        return item


QUERY = Query()


def to_xml(key, value, style=QUERY, parent=None):
    """The element for API member key holding value ("" for None)."""
    if value is None:
        return ""
    name = style.name(key, parent)
    if isinstance(value, dict):
        if key in MAPS:
            inner = "".join(element("entry", element("key", escape(k)) + element("value", scalar(v)))
                            for k, v in value.items())
        else:
            inner = "".join(to_xml(k, v, style, key) for k, v in value.items())
    elif isinstance(value, list):
        item = style.item(key, parent)
        scope = style.item_parent(key, item)
        inner = "".join(element(item, "".join(to_xml(k, v, style, scope) for k, v in m.items())
                                if isinstance(m, dict) else scalar(m)) for m in value)
    else:
        inner = scalar(value)
    return element(name, inner)


def paged_xml(key, items, token_key, token, style=QUERY):
    """A page of a query listing: the items, then the next page's token."""
    return to_xml(key, items, style) + (to_xml(token_key, token, style) if token else "")
