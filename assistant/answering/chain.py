"""The retrieval chain as small LCEL factories: condense → retrieve → answer → citation check.

`build_chain(llm, retriever, prompts)` returns one Runnable whose streamed output is a
sequence of dict chunks that add up to the whole result: first the retrieval result
(`standalone`, `hits`, `covered`, `mode`), then `answer` pieces, then the citation report.
The CLI, the web app and the eval all consume this same output, so they show the same
sources (`answering/response.py` adds the chunks up into one `AnswerStream`). With `llm=None`
the extractive answerer quotes the notes; with a chat model the answer is generated, and a
model failure falls back to the extractive answer with a notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator

from assistant.answering.citations import CitationFilter, filter_stream, format_sources
from assistant.answering.condense import condense_offline, plausible_rewrite
from assistant.answering.deadline import within
from assistant.answering.failures import failure_reason
from assistant.answering.langsmith_import import light_langsmith
from assistant.answering.params import AnswerParams
from assistant.answering.prompts import LANGUAGE_NAMES, Prompts
from assistant.answering.quoting import extractive_stream
from assistant.answering.replies import check_partial, check_reply, too_long
from assistant.answering.restate import asked_language, restated
from assistant.answering.shapes import shown_part
from assistant.answering.tokens import count_tokens
from assistant.answering.turn_search import condensed_search, topic_named, with_parts
from assistant.answering.window import Fit
from assistant.notes.parse import section_key
from assistant.notes.terms import language_of, to_simplified
from assistant.retrieval.results import SearchResult
from assistant.retrieval.retriever import Retriever

light_langsmith()  # before LangChain's Runnables are first imported (langsmith_import.py)
from langchain_core.runnables import Runnable, RunnableGenerator, RunnableLambda, RunnablePassthrough  # noqa: E402
from langchain_core.runnables.utils import AddableDict  # noqa: E402

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.answering.relevance import Relevance


def user_turns(history: list[dict]) -> list[str]:
    """The user's earlier questions from a chat history of {'role', 'content'} messages; a request for an answer in
    another language ("And in English?", restate.py) repeats the question before it, so it is not one."""
    return [m["content"] for m in history or [] if m.get("role") == "user" and m.get("content")
            and asked_language(m["content"]) is None]


def build_condenser(llm, prompts: Prompts, knows: Callable[[str], bool] | None = None,
                    timeout: float | None = None) -> Runnable:
    """Turn (question, history) into a standalone query with the chat model; the offline heuristics when it fails
    or sends nothing within `timeout` seconds (deadline.py: the client's retries included; a 503 asking to retry in
    20 s kept a follow-up waiting for the rewrite, then again for the answer). `knows`: the retriever's vocabulary
    test, see `condense_offline`. Without a model: `build_offline_retrieval`."""

    def offline(inputs: dict) -> str:
        return condense_offline(inputs["question"], user_turns(inputs.get("history", [])), knows)

    def render(inputs: dict) -> str:
        lines = [f"{m['role']}: {m['content']}" for m in inputs["history"][-6:]]
        return prompts.render("condense", history="\n".join(lines), question=inputs["question"])

    from langchain_core.output_parsers import StrOutputParser  # LLM mode only: it pulls in the message schemas

    rewrite = RunnableLambda(render) | llm | StrOutputParser()

    def condense(inputs: dict) -> str:
        if not inputs.get("history"):
            return inputs["question"]
        try:
            pieces = rewrite.stream(inputs)
            text = "".join(within(pieces, timeout) if timeout is not None else pieces).strip()
        except Exception:  # a failing or silent model must not stop retrieval; the heuristic still works
            return offline(inputs)
        first = text.splitlines()[0].strip() if text else ""
        return first if plausible_rewrite(inputs["question"], first) else offline(inputs)

    return RunnableLambda(condense)


def build_retrieval(retriever: Retriever, condenser: Runnable) -> Runnable:
    """Add `standalone` and `search` (a SearchResult: hits, coverage, near misses) to the chain input."""
    return (
        # Traditional Chinese is folded to Simplified once here, so retrieval and quoting see the notes' script.
        RunnablePassthrough.assign(standalone=condenser | RunnableLambda(to_simplified))
        | RunnablePassthrough.assign(search=RunnableLambda(
            lambda x: topic_named(x["standalone"], with_parts(retriever, x["standalone"],
                                                             retriever.search(x["standalone"], x.get("k"))))))
        # The query the search read (typing slips corrected: retrieval/typos.py) is the one shown as "interpreted as".
        | RunnableLambda(lambda x: {**x, "standalone": x["search"].query or x["standalone"]})
    )


def build_offline_retrieval(retriever: Retriever) -> Runnable:
    """`build_retrieval` without an LLM: the question condensed and searched by `condensed_search`, which may
    search a weakly covered follow-up twice (alone and in the conversation's context)."""

    def resolve(inputs: dict) -> dict:
        standalone, search = condensed_search(retriever, inputs["question"], user_turns(inputs.get("history", [])),
                                              inputs.get("k"))
        return {**inputs, "standalone": standalone, "search": search}

    return RunnableLambda(resolve)


def build_generator(llm, prompts: Prompts, context_tokens: int, encoding=None, fit: Fit | None = None) -> Runnable:
    """The LLM answerer: numbered sources in a prompt from `prompts/`, streamed as message chunks (not bare text:
    the last chunk's `finish_reason` says whether the model stopped at its length limit). The sources get what the
    model's context window leaves them (`fit`, window.py; default: `context_tokens`); an input `share` (0.5: the
    retry after a context-window error) scales that budget."""
    fit = fit or Fit(None, context_tokens, None, 0)

    def messages(inputs: dict) -> list[tuple[str, str]]:
        lang = inputs.get("language") or language_of(inputs["question"])
        system = prompts.render(
            "answer_system", n_sources=len(inputs["hits"]), language=LANGUAGE_NAMES[lang],
            not_covered=prompts.render("not_covered", lang),
        )

        def user(sources: str) -> str:
            return prompts.render("answer_user", sources=sources, question=inputs["question"], language=LANGUAGE_NAMES[lang])

        fixed = count_tokens(system + user(""), encoding) if encoding is not None and fit.prompt is not None else 0
        budget = int(fit.sources_after(fixed) * inputs.get("share", 1.0))
        return [("system", system), ("human", user(format_sources(inputs["hits"], prompts.get("source_block"), budget, encoding)))]

    return RunnableLambda(messages) | llm


def build_chain(llm: BaseChatModel | None, retriever: Retriever, prompts: Prompts, context_tokens: int = 3000, encoding=None,
                model_name: str = "", answer_params: AnswerParams | None = None,
                relevance: Relevance | None = None, header: str = "extractive_header", fit: Fit | None = None,
                timeout: float | None = None) -> Runnable:
    """The whole assistant chain; `llm=None` answers extractively (with `answer_params`, default: the code's;
    `relevance` scores note sentences against the question, default: the process-wide one; `header`: the prompt
    opening an extractive answer, "extractive_chosen" when a model is configured but quotes were asked for).
    `fit`: the budgets inside the model's context window (window.py); `timeout`: seconds the model may take to
    its first text and between two pieces before the answer falls back to quotes (deadline.py; None: no limit)."""
    retrieval = (build_retrieval(retriever, build_condenser(llm, prompts, retriever.knows, timeout)) if llm is not None
                 else build_offline_retrieval(retriever))
    generator = build_generator(llm, prompts, context_tokens, encoding, fit) if llm is not None else None
    llm_mode = f"llm:{model_name}" if model_name else "llm"

    def answer(chunks: Iterator[dict]) -> Iterator[AddableDict]:
        inputs = _merge(chunks)
        lang = inputs.get("language") or language_of(inputs["question"])  # asked for ("And in English?"), else as asked
        search: SearchResult = inputs["search"]
        hits = search.hits if search.covered else []
        mode = llm_mode if generator is not None else "extractive"
        # A weak match (retriever.weak_margin) is answered, with a line saying the notes may not answer it exactly.
        weak = prompts.render("weak_match", lang).strip() if search.weak else ""  # `weak` implies covered
        yield AddableDict(question=inputs.get("asked", inputs["question"]), standalone=inputs["standalone"], hits=hits,
                          covered=search.covered, mode=mode, weak=weak)
        if not search.covered:
            named = {"names": _listed([_as_asked(n, inputs["standalone"]) for n in search.unknown], lang)} if search.unknown else {}
            # Declined for a name whose every unknown spelling the notes use otherwise: no "never mention" (retriever).
            said = search.lacks if search.lacks != "name" or search.unknown else ""
            # The sentences naming what it asks about: shown as pointers, not cited. Declined for nothing in particular,
            # the reply opens with them: "笔记中没有涉及这个问题" followed by the sentence that defines dying ReLU
            # contradicted itself, and the closest sections listed after it (第40题 GRU) were further off than the
            # sentence (blind web QA).
            shown = {"names": _listed(list(dict.fromkeys(m.name for m in search.mentions)), lang),
                     "mentions": "\n".join(f"- {m.label}\n  > {m.sentence}" for m in search.mentions)}
            if search.mentions and not said:
                text = prompts.render("not_covered_mentioned", lang, **shown)
            else:
                text = prompts.render(f"not_covered_{said}" if said else "not_covered", lang, **named)
                if search.mentions:
                    text += "\n\n" + prompts.render("not_covered_mentions", lang, **shown)
            if near := [] if search.mentions else search.near_misses:
                # pointers, not sources: nothing is quoted or cited from them
                text += "\n\n" + prompts.render("not_covered_nearest", lang, sections="\n".join(f"- {h.label}" for h in near))
            pointers = [{"label": m.label, "note": section_key(m.file_key, m.uid), "sentence": m.sentence}
                        for m in search.mentions]
            pointers += [{"label": h.label, "note": section_key(h.file_key, h.uid), "sentence": ""} for h in near]
            yield AddableDict(answer=text, citations=[], invalid_citations=[], pointers=pointers)
            return
        checker = CitationFilter(len(hits))
        notice = ""
        if generator is not None:
            ended: list[str] = []  # the model's finish_reason
            try:
                for piece in _generated(generator, {**inputs, "hits": hits}, ended, timeout):
                    yield AddableDict(answer=checker.feed(piece))
                yield AddableDict(answer=checker.flush())
            except Exception as exc:  # any model failure: say so, then quote the notes instead
                notice = prompts.render("llm_fallback", lang, reason=failure_reason(exc, prompts, lang, timeout))
                if too_long(exc):
                    notice += " " + prompts.render("llm_too_long", lang, tokens=context_tokens)
                # `discard`: what the model streamed before failing is withdrawn, not left above the quotes unchecked
                # (blind QA: a cut stream's "…把梯度设置为阈" stayed at the top of the answer).
                yield AddableDict(answer=f"{notice}\n\n", fallback=True, discard=True)
                checker = CitationFilter(len(hits))
                quotes = _extractive(inputs["standalone"], hits, prompts, lang, answer_params, relevance, header="",
                                     parts=search.parts)
                for piece in filter_stream(quotes, checker):
                    yield AddableDict(answer=piece)
            notes = []
            if not notice and ended[-1:] == ["length"]:  # stopped by ASSISTANT_ANSWER_TOKENS, possibly mid-word
                notes.append(prompts.render("llm_length", lang))
            if not notice and not checker.used:
                # A generated answer that cites no section is not grounded in any: said in the answer and the notice
                # (blind QA: "bake a cake at 200 degrees" was shown as "generated, grounded in the notes").
                notes.append(prompts.render("llm_uncited", lang))
            if notes:
                notice = " ".join(notes)
                yield AddableDict(answer="".join(f"\n\n{n}" for n in notes))
        else:
            if inputs.get("language") and hits and language_of(hits[0].section) != lang:  # quotes are not translated
                yield AddableDict(answer=prompts.render("extractive_untranslated", lang).strip() + "\n\n")
            for piece in filter_stream(_extractive(inputs["standalone"], hits, prompts, lang, answer_params, relevance,
                                                   header, search.parts), checker):
                yield AddableDict(answer=piece)
        yield AddableDict(citations=list(checker.used), invalid_citations=list(checker.invalid), notice=notice)

    return RunnableLambda(restated) | retrieval | RunnableGenerator(answer)


def _extractive(question: str, hits, prompts: Prompts, lang: str, params: AnswerParams | None,
                relevance: Relevance | None, header: str = "extractive_header", parts=None) -> Iterator[str]:
    """The extractive answer under the `header` prompt; none after the LLM-failure notice (its "no language model is
    configured" would contradict the notice, which already says quotes follow). A multi-part question whose parts
    go to different sections (`parts`) has each part's answer under the part as asked."""
    heading = prompts.render(header, lang) if header else ""
    return extractive_stream(question, hits, heading, prompts.render("extractive_links", lang),
                             more=lambda n: prompts.render("extractive_more", lang, n=n), params=params, relevance=relevance,
                             bare=lambda n, labels: prompts.render("extractive_bare", lang, n=n, names=_listed(labels, lang)),
                             parts=parts, part_line=lambda part, covered: prompts.render(
                                 "extractive_part" if covered else "extractive_part_missing", lang, part=shown_part(part)).strip(),
                             figure=prompts.render("extractive_figure", lang),
                             others_note=prompts.render("extractive_links_others", lang).strip())


def _generated(generator: Runnable, inputs: dict, ended: list[str], timeout: float | None = None) -> Iterator[str]:
    """The model's answer text; `ended` receives its finish_reason. A prompt the model's context window rejects
    before anything streamed is sent once more with half the sources' budget: the budget is counted with cl100k,
    and a local model's own tokenizer can need more (blind QA: a 4,096-token llama.cpp model got 4,181). A reply
    that fails without an error (empty, stopped mid-answer, looping: replies.py) raises UnusableReply, a loop as soon
    as it shows; one that sends no text for `timeout` seconds raises NoReplyInTime (deadline.py)."""
    shares = [1.0, 0.5]
    for attempt, share in enumerate(shares):
        pieces: list[str] = []
        openai = False  # an OpenAI-compatible server ends every complete reply with a finish_reason; a fake may not
        checked = 0  # characters of the reply checked for a loop so far
        stream = generator.stream({**inputs, "share": share})
        chunks = within(stream, timeout, _progress) if timeout is not None else stream
        try:
            try:
                for chunk in chunks:
                    metadata = getattr(chunk, "response_metadata", None) or {}
                    openai = openai or metadata.get("model_provider") == "openai"
                    if reason := metadata.get("finish_reason"):
                        ended.append(reason)
                    text = chunk.content if isinstance(chunk.content, str) else ""
                    if text:
                        pieces.append(text)
                        checked = check_partial("".join(pieces), checked)
                        yield text
            finally:  # abandoned (a loop, a timeout): the stream and its connection are closed now, not by the GC
                getattr(chunks, "close", lambda: None)()
        except Exception as exc:
            if pieces or attempt == len(shares) - 1 or not too_long(exc):
                raise
            continue
        check_reply("".join(pieces), ended if openai else ["stop"])
        return


def _progress(chunk) -> bool:
    """Whether a streamed chunk is progress against the deadline: text, or the end of the reply."""
    metadata = getattr(chunk, "response_metadata", None) or {}
    return bool(getattr(chunk, "content", None)) or bool(metadata.get("finish_reason"))


def _listed(names: list[str], lang: str) -> str:
    """Names as a sentence of the answer's language lists them ("ReLU、LSTM", "ReLU, LSTM")."""
    return ("、" if lang == "zh" else ", ").join(names)


def _merge(chunks: Iterator[dict]) -> dict:
    merged: dict = {}
    for chunk in chunks:
        merged.update(chunk)
    return merged


def _as_asked(name: str, question: str) -> str:
    """A lower-cased name as the question wrote it ("adamw" → "AdamW")."""
    at = question.lower().find(name)
    return question[at : at + len(name)] if at >= 0 else name
