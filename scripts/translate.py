"""Fill French translations into the catalog from a Python dict file: translate.py DICT.py."""
import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalog as cat  # noqa: E402

table = runpy.run_path(sys.argv[1])["FR"]
catalog = cat.load()
for message in catalog:
    key = message.id if isinstance(message.id, str) else message.id[0]
    if key in table:
        value = table[key]
        if isinstance(message.id, (tuple, list)):
            forms = value if isinstance(value, tuple) else (value, value)
            message.string = (forms[0], forms[1], forms[1])
        else:
            message.string = value if isinstance(value, str) else value[0]
cat.PO.write_bytes(cat.po_bytes(catalog))
cat.MO.write_bytes(cat.mo_bytes(cat.load()))
print(len(cat.untranslated(cat.load())), "without French")
