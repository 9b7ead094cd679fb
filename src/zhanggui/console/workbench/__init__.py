"""The workbench (工作台): the console's home page, per role.

``registry`` holds the to-do providers and each role's order, ``providers`` the to-dos
whose data exists, ``numbers`` today's key figures against yesterday at the same time,
``filters`` the list filters the to-dos link to, and ``view`` the page's context.
"""
