"""The portal's pages, one module per area: catalogue, apply (the form), dossier (lookup and
status page with its actions), account. Each view parses with a form, calls one service or
selector, and renders."""
