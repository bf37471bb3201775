"""CAMEO and PLOVER event ontologies, loaded from the tables in ``watchfloor/data/ontology``.

>>> from watchfloor.ontology import load_ontology
>>> load_ontology().plover_for_cameo("0874")
('RETREAT', 'disarm')
"""

from watchfloor.ontology.cameo import CameoCode, read_cameo_table
from watchfloor.ontology.plover import Ontology, PloverMode, load_ontology, read_plover_table

__all__ = [
    "CameoCode",
    "Ontology",
    "PloverMode",
    "load_ontology",
    "read_cameo_table",
    "read_plover_table",
]
