// The quiz with a script: each option becomes a button; choosing one says whether it was
// right and opens the answer. Without the script the page shows the same answers behind
// "Show the answer".
(function () {
  var me = document.currentScript;
  var correct = me.getAttribute('data-correct'), wrong = me.getAttribute('data-wrong');
  document.querySelectorAll('.question').forEach(function (question) {
    var answer = question.getAttribute('data-answer');
    var verdict = question.querySelector('.verdict');
    var details = question.querySelector('details');
    question.querySelectorAll('.options li').forEach(function (item) {
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = item.textContent;
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', function () {
        question.querySelectorAll('.options button').forEach(function (other) {
          other.setAttribute('aria-pressed', other === button ? 'true' : 'false');
        });
        var right = item.getAttribute('data-option') === answer;
        verdict.textContent = right ? correct : wrong;
        verdict.className = 'verdict ' + (right ? 'right' : 'wrong');
        details.open = true;
      });
      item.textContent = '';
      item.appendChild(button);
    });
  });
})();
