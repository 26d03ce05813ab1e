"""Saved chat conversations: the web app's chats kept in the app database, per user.

`store` (conversations, their messages and answer feedback, in the tables of migrations
m007–m008), `record` (what is kept of an answer's sources: everything its sources panel and
the Markdown export show, so an old conversation comes back exactly as it was answered) and
`export` (a conversation as Markdown with its citations). Front ends only call these.
"""
