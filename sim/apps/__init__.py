"""Applications built on the layers below: the what-if, the study, the report, the model folder."""
