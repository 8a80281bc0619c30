"""Quiz screen: one question at a time, instant feedback, a link to the guide, a score."""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.ui.i18n import tr
from kiosk.core.quiz import QuizSession, questions_for_country
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import QuestionView, question_view
from kiosk.widgets.common import KioskButton, set_shown

load_kv(__file__)


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

    def on_kv_post(self, base_widget: Any) -> None:
        # Strong references (ids only hold weak proxies): these parts leave the tree
        # while hidden.
        self.body = self.ids.body.__self__
        self.question_panel = self.ids.question_panel.__self__
        self.score_panel = self.ids.score_panel.__self__
        self.feedback_card = self.ids.feedback_card.__self__
        self.fallback_note = self.ids.fallback_note.__self__

    def show(self, **params: Any) -> None:
        visit = self.app.visit
        if visit.quiz is None or params.get("restart"):
            visit.quiz = self._new_session()
        self.refresh()

    def _new_session(self) -> QuizSession:
        store = self.app.store
        questions = questions_for_country(
            store.question_defs(), store.guide_defs(), self.app.visit.country
        )
        return QuizSession(questions, self.app.rng)

    @property
    def session(self) -> QuizSession:
        assert self.app.visit.quiz is not None
        return self.app.visit.quiz

    def refresh(self) -> None:
        self.title = tr._("Test yourself")
        if self.app.visit.quiz is None:
            return
        session = self.session
        self.finished = session.finished
        set_shown(self.body, self.question_panel, not session.finished)
        set_shown(self.body, self.score_panel, session.finished)
        options_box = self.ids.options
        options_box.clear_widgets()
        if session.finished:
            self.score = session.score
            self.score_text = tr.ngettext(
                "You answered {count} question correctly out of {total}.",
                "You answered {count} questions correctly out of {total}.",
                session.score,
            ).format(count=session.score, total=session.total)
            return
        view: QuestionView = question_view(
            self.app.store, session.current, self.app.visit.language
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
        for option_id, text in view.options:
            button = KioskButton(text=text, probe_id=f"option-{option_id}")
            button.option_id = option_id
            if feedback is not None:
                # Not disabled: a greyed-out right answer would be hard to read.
                if option_id == feedback.correct_option:
                    button.emphasis = True
                    button.text = tr._("Right answer: {answer}").format(answer=text)
                elif option_id == feedback.chosen:
                    button.text = tr._("Your answer: {answer}").format(answer=text)
                    button.md_bg_color = self.app.theme_cls.errorContainerColor
                    button.label_color = self.app.theme_cls.onErrorContainerColor
            else:
                button.bind(on_release=lambda b: self.choose(b.option_id))
            options_box.add_widget(button)
        set_shown(self.question_panel, self.feedback_card, feedback is not None)
        if feedback is not None:
            self.was_correct = feedback.correct
            self.feedback_text = tr._("Correct!") if feedback.correct else tr._("Not quite.")
            self.explanation = view.explanation
        else:
            self.feedback_text = ""
            self.explanation = ""

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
            self.app.usage.quiz_finished(self.session.score, self.session.total)
        self.ids.scroller.scroll_y = 1.0
        self.refresh()

    def open_explaining_guide(self) -> None:
        self.app.open_guide(self.session.current.guide)

    def restart(self) -> None:
        self.app.visit.quiz = self._new_session()
        self.refresh()

    def option_button(self, option_id: str) -> Any:
        return next(b for b in self.ids.options.children if b.option_id == option_id)

    def reset_visit_state(self) -> None:
        super().reset_visit_state()
        self.ids.options.clear_widgets()
        self.answered = self.finished = False
        self.question_text = self.explanation = self.feedback_text = self.score_text = ""


SCREEN = QuizScreen
