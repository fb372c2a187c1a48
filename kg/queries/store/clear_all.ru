# The update a remote store is emptied with before it is loaded again.
CLEAR ALL
