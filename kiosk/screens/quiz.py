"""Quiz screen: one question at a time, instant feedback, a link to the guide, a score.

The answer buttons are a pool: each question updates the same buttons, adding one only
when a question has more answers than any before it. With an online edition in the config
(``web_base_url``), the score comes with a "Continue on your phone" code for its quiz page.
"""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.core.desk import desk_requests
from kiosk.core.phone_links import quiz_page_url
from kiosk.core.quiz import QuizSession, questions_for_country
from kiosk.core.viewmodels import QuestionView, question_view
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.ui.i18n import tr
from kiosk.widgets.common import KioskButton, set_shown

load_kv(__file__)


class QuizOption(KioskButton):
    """An answer button; after the answer it shows which was right and which was chosen."""

    option_id = StringProperty("")
    chosen_wrong = BooleanProperty(False)
    """The visitor's answer, and a wrong one: drawn in the error colours (quiz.kv)."""


class QuizScreen(KioskScreen):
    progress = StringProperty("")
    question_text = StringProperty("")
    feedback_text = StringProperty("")
    explanation = StringProperty("")
    answered = BooleanProperty(False)
    finished = BooleanProperty(False)
    was_correct = BooleanProperty(False)
    score_text = StringProperty("")
    score = NumericProperty(0)
    fallback = BooleanProperty(False)
    is_last = BooleanProperty(False)
    phone_url = StringProperty("")
    """The quiz page of the online edition in the visitor's language ("": no site)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._options: list[QuizOption] = []

    def on_kv_post(self, base_widget: Any) -> None:
        # Strong references (ids only hold weak proxies): these parts leave the tree
        # while hidden.
        self.body = self.ids.body.__self__
        self.question_panel = self.ids.question_panel.__self__
        self.score_panel = self.ids.score_panel.__self__
        self.feedback_card = self.ids.feedback_card.__self__
        self.fallback_note = self.ids.fallback_note.__self__
        self.phone_card = self.ids.phone_card.__self__
        self.desk_button = self.ids.desk_button.__self__

    def show(self, **params: Any) -> None:
        visit = self.context.visit
        if visit.quiz is None or params.get("restart"):
            visit.quiz = self._new_session()
        self.refresh()

    def _new_session(self) -> QuizSession:
        store = self.context.store
        questions = questions_for_country(
            store.question_defs(), store.guide_defs(), self.context.visit.country
        )
        return QuizSession(questions, self.context.rng)

    @property
    def session(self) -> QuizSession:
        assert self.context.visit.quiz is not None
        return self.context.visit.quiz

    def refresh(self) -> None:
        self.title = tr._("Test yourself")
        if self.context.visit.quiz is None:
            return
        session = self.session
        self.finished = session.finished
        set_shown(self.body, self.question_panel, not session.finished)
        set_shown(self.body, self.score_panel, session.finished)
        if session.finished:
            self._show_options(0)
            self.phone_url = quiz_page_url(self.context.settings.web_base_url,
                                           self.context.visit.language)
            set_shown(self.score_panel, self.phone_card, bool(self.phone_url))
            self.score = session.score
            self.score_text = tr.ngettext(
                "You answered {count} question correctly out of {total}.",
                "You answered {count} questions correctly out of {total}.",
                session.score,
            ).format(count=session.score, total=session.total)
            return
        view: QuestionView = question_view(
            self.context.store, session.current, self.context.visit.language
        )
        self.current_view = view
        self.fallback = view.fallback
        set_shown(self.question_panel, self.fallback_note, view.fallback, at_top=True)
        self.progress = tr._("Question {number} of {total}").format(
            number=session.index + 1, total=session.total
        )
        self.question_text = view.text
        self.is_last = session.index + 1 >= session.total
        self.answered = session.answered_current
        feedback = session.feedback() if self.answered else None
        self._show_options(len(view.options))
        for button, (option_id, text) in zip(self._options, view.options):
            button.option_id = option_id
            button.probe_id = f"option-{option_id}"
            # After the answer the buttons stay enabled (a greyed-out right answer would be
            # hard to read); choose() ignores a second answer.
            right = feedback is not None and option_id == feedback.correct_option
            chosen = feedback is not None and option_id == feedback.chosen
            button.emphasis = right
            button.chosen_wrong = chosen and not right
            if right:
                text = tr._("Right answer: {answer}").format(answer=text)
            elif chosen:
                text = tr._("Your answer: {answer}").format(answer=text)
            button.text = text
        set_shown(self.question_panel, self.feedback_card, feedback is not None)
        if feedback is not None:
            self._show_desk_button(bool(desk_requests(
                self.context.store, session.current.guide, self.context.settings.host_country)))
            self.was_correct = feedback.correct
            self.feedback_text = tr._("Correct!") if feedback.correct else tr._("Not quite.")
            self.explanation = view.explanation
        else:
            self.feedback_text = ""
            self.explanation = ""

    def _show_options(self, count: int) -> None:
        """Show the first ``count`` buttons of the pool, in order, and no others."""
        box = self.ids.options
        for button in self._options[count:]:
            if button.parent is not None:
                box.remove_widget(button)
        while len(self._options) < count:
            button = QuizOption()
            button.bind(on_release=lambda b: self.choose(b.option_id))
            self._options.append(button)
        for button in self._options[:count]:
            if button.parent is None:
                box.add_widget(button)

    def choose(self, option_id: str) -> None:
        if self.session.answered_current:
            return
        self.session.answer(option_id)
        self.refresh()
        # Bring the explanation and the next button into view once laid out.
        Clock.schedule_once(
            lambda _dt: self.ids.scroller.scroll_to(self.feedback_card, padding=20, animate=False),
            0,
        )

    def next_question(self) -> None:
        self.session.next()
        if self.session.finished:
            self.context.intents.quiz_finished(self.session.score, self.session.total)
        self.ids.scroller.scroll_y = 1.0
        self.refresh()

    def open_explaining_guide(self) -> None:
        self.context.intents.open_guide(self.session.current.guide)

    def show_at_desk(self) -> None:
        """The "Show this at the desk" card for the guide that explains this question."""
        self.context.intents.open_screen("desk", guide_id=self.session.current.guide)

    def _show_desk_button(self, shown: bool) -> None:
        actions, button = self.ids.feedback_actions, self.desk_button
        if shown and button.parent is None:
            actions.add_widget(button, index=1)  # between the guide and the next question
        elif not shown and button.parent is not None:
            actions.remove_widget(button)

    def restart(self) -> None:
        self.context.visit.quiz = self._new_session()
        self.refresh()

    def option_button(self, option_id: str) -> Any:
        return next(b for b in self.ids.options.children if b.option_id == option_id)

    def reset_visit_state(self) -> None:
        super().reset_visit_state()
        self._show_options(0)
        self.answered = self.finished = False
        self.question_text = self.explanation = self.feedback_text = self.score_text = ""


SCREEN = QuizScreen
