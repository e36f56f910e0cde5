"""The shipped competency queries (the ``.rq`` files in this folder) and running a query by name,
file or text on any store."""
