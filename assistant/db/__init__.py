"""The app's one SQLite database (`$ASSISTANT_HOME/assistant.db`): how it is opened and how its schema grows.

`sqlite` is the generic machinery (WAL with FULL sync, retries while another session switches a
new file to WAL, recovery of a damaged file, the migration registry and `migrate`); `schema` is the
app's ordered list of named migrations, for interview memory and saved conversations alike. Both
the interview store and the conversation store open the file through `schema.open_app_database`,
so whichever opens it first brings it to the full schema, in order.
"""
