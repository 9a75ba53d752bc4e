"""The pipeline's stages as plain classes, fed by the Faust agents in ``streams.pipeline``."""
