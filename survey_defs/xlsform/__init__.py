"""XLSForm to instrument, in pyxform's stages: read sheets -> normalise -> build a typed tree -> validate.

Each stage is a module with one entry point and can be tested alone; ``load_instrument`` chains them.
"""
