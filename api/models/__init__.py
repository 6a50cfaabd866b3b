"""The API's request and response models, written out field by field.

NOTE: explicit rather than derived from the index tables: a column change in the index must be
a visible change here before it changes what clients receive. Enum fields take their values
from the suite's enums (`ledger.domain.structs`), so OpenAPI lists them.
"""
