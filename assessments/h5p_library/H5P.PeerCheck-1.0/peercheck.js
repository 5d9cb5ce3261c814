/*
 * H5P.PeerCheck: a few choice questions and one question answered in your own words.
 *
 * Written for this project so that the whole path (package, player, xAPI, score) can be
 * tested without downloading content types. It uses only what the H5P core offers
 * (H5P.EventDispatcher and its xAPI helpers) and plain DOM, so it works in h5p-standalone.
 *
 * Statements it sends:
 * - "answered" per question, its object id being the activity id + "?subContentId=<id>",
 *   with result.score for choice questions and result.response (the words typed) for the
 *   open question;
 * - "completed" for the whole activity with the total score of the choice questions.
 */
var H5P = window.H5P = window.H5P || {};

H5P.PeerCheck = (function (EventDispatcher) {
  'use strict';

  function text(value) {
    // Parameters are plain text: never inserted as HTML.
    return value === undefined || value === null ? '' : String(value);
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined) {
      node.textContent = text(content);
    }
    return node;
  }

  function PeerCheck(params, contentId, extras) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
    this.extras = extras || {};
    this.l10n = Object.assign({
      check: 'Check my answers',
      retry: 'Try again',
      score: 'You got @score out of @total right.',
      right: 'Right',
      wrong: 'Not quite',
      missing: 'Please choose an answer for every question.',
      yourWords: 'Your answer'
    }, this.params.l10n || {});
    this.questions = (this.params.questions || []).filter(function (q) {
      return q && q.id && q.choices && q.choices.length;
    });
    this.open = this.params.openQuestion && this.params.openQuestion.id ? this.params.openQuestion : null;
    this.score = 0;
  }

  PeerCheck.prototype = Object.create(EventDispatcher.prototype);
  PeerCheck.prototype.constructor = PeerCheck;

  PeerCheck.prototype.getScore = function () {
    return this.score;
  };

  PeerCheck.prototype.getMaxScore = function () {
    return this.questions.length;
  };

  PeerCheck.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get ? $container.get(0) : $container;
    root.classList.add('h5p-peercheck');
    root.textContent = '';
    self.root = root;

    if (self.params.introduction) {
      root.appendChild(el('p', 'h5p-peercheck-intro', self.params.introduction));
    }

    var form = el('form', 'h5p-peercheck-form');
    form.setAttribute('novalidate', 'novalidate');
    self.form = form;

    self.questions.forEach(function (question, qIndex) {
      var fieldset = el('fieldset', 'h5p-peercheck-question');
      fieldset.setAttribute('data-question', question.id);
      var legend = el('legend', null, (qIndex + 1) + '. ' + text(question.text));
      fieldset.appendChild(legend);
      question.choices.forEach(function (choice, cIndex) {
        var id = 'pc-' + self.contentId + '-' + question.id + '-' + cIndex;
        var label = el('label', 'h5p-peercheck-choice');
        label.setAttribute('for', id);
        var input = document.createElement('input');
        input.type = 'radio';
        input.name = question.id;
        input.id = id;
        input.value = String(cIndex);
        label.appendChild(input);
        label.appendChild(el('span', null, choice.text));
        fieldset.appendChild(label);
      });
      var mark = el('p', 'h5p-peercheck-mark');
      mark.setAttribute('aria-live', 'polite');
      fieldset.appendChild(mark);
      form.appendChild(fieldset);
    });

    if (self.open) {
      var openSet = el('div', 'h5p-peercheck-open');
      var openId = 'pc-' + self.contentId + '-' + self.open.id;
      var openLabel = el('label', null, self.open.text);
      openLabel.setAttribute('for', openId);
      var area = document.createElement('textarea');
      area.id = openId;
      area.name = self.open.id;
      area.rows = 4;
      area.maxLength = 2000;
      area.setAttribute('aria-label', text(self.open.text) || self.l10n.yourWords);
      openSet.appendChild(openLabel);
      openSet.appendChild(area);
      form.appendChild(openSet);
    }

    var message = el('p', 'h5p-peercheck-message');
    message.setAttribute('role', 'status');
    self.message = message;
    form.appendChild(message);

    var check = el('button', 'h5p-peercheck-button h5p-peercheck-check', self.l10n.check);
    check.type = 'submit';
    form.appendChild(check);

    var retry = el('button', 'h5p-peercheck-button h5p-peercheck-retry', self.l10n.retry);
    retry.type = 'button';
    retry.hidden = true;
    form.appendChild(retry);

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      self.check(check, retry);
    });
    retry.addEventListener('click', function () {
      self.reset(check, retry);
    });
    form.addEventListener('change', function () {
      self.setActivityStarted();
    });

    root.appendChild(form);
    self.trigger('resize');
  };

  PeerCheck.prototype.chosen = function (question) {
    var picked = this.form.querySelector('input[name="' + question.id + '"]:checked');
    return picked ? parseInt(picked.value, 10) : null;
  };

  PeerCheck.prototype.check = function (check, retry) {
    var self = this;
    var missing = self.questions.filter(function (q) { return self.chosen(q) === null; });
    if (missing.length) {
      self.message.textContent = self.l10n.missing;
      var first = self.form.querySelector('fieldset[data-question="' + missing[0].id + '"] input');
      if (first) {
        first.focus();
      }
      self.trigger('resize');
      return;
    }
    self.setActivityStarted();
    var total = 0;
    self.questions.forEach(function (question) {
      var index = self.chosen(question);
      var right = !!question.choices[index].correct;
      if (right) {
        total += 1;
      }
      var fieldset = self.form.querySelector('fieldset[data-question="' + question.id + '"]');
      var mark = fieldset.querySelector('.h5p-peercheck-mark');
      mark.textContent = right ? '\u2713 ' + self.l10n.right : '\u2717 ' + self.l10n.wrong;
      mark.className = 'h5p-peercheck-mark ' + (right ? 'is-right' : 'is-wrong');
      self.answered(question, index, right);
    });
    if (self.open) {
      var area = self.form.querySelector('textarea[name="' + self.open.id + '"]');
      self.answeredOpen(area.value.trim());
    }
    self.score = total;
    self.message.textContent = self.l10n.score
      .replace('@score', String(total))
      .replace('@total', String(self.questions.length));
    Array.prototype.forEach.call(self.form.querySelectorAll('input, textarea'), function (input) {
      input.disabled = true;
    });
    check.hidden = true;
    retry.hidden = false;
    retry.focus();

    var completed = self.createXAPIEventTemplate('completed');
    completed.setScoredResult(total, self.questions.length, self, true, total === self.questions.length);
    self.trigger(completed);
    self.trigger('resize');
  };

  PeerCheck.prototype.reset = function (check, retry) {
    Array.prototype.forEach.call(this.form.querySelectorAll('input, textarea'), function (input) {
      input.disabled = false;
      if (input.type === 'radio') {
        input.checked = false;
      }
    });
    Array.prototype.forEach.call(this.form.querySelectorAll('.h5p-peercheck-mark'), function (mark) {
      mark.textContent = '';
      mark.className = 'h5p-peercheck-mark';
    });
    this.message.textContent = '';
    this.score = 0;
    this.activityStartTime = undefined;
    check.hidden = false;
    retry.hidden = true;
    var first = this.form.querySelector('input, textarea');
    if (first) {
      first.focus();
    }
    this.trigger('resize');
  };

  PeerCheck.prototype.describe = function (object, description, interactionType) {
    object.definition = object.definition || {};
    object.definition.description = { 'en-US': text(description) };
    object.definition.type = 'http://adlnet.gov/expapi/activities/cmi.interaction';
    object.definition.interactionType = interactionType;
  };

  // A statement about one question: same actor and context as the whole, its own object id
  // and the whole activity as parent, as H5P does for sub-content.
  PeerCheck.prototype.questionEvent = function (questionId, description, interactionType) {
    var event = this.createXAPIEventTemplate('answered');
    var statement = event.data.statement;
    var parentId = statement.object.id;
    statement.object = { id: parentId + '?subContentId=' + encodeURIComponent(questionId), objectType: 'Activity' };
    this.describe(statement.object, description, interactionType);
    statement.context = statement.context || {};
    statement.context.contextActivities = statement.context.contextActivities || {};
    statement.context.contextActivities.parent = [{ id: parentId, objectType: 'Activity' }];
    return event;
  };

  PeerCheck.prototype.answered = function (question, index, right) {
    var event = this.questionEvent(question.id, question.text, 'choice');
    var definition = event.data.statement.object.definition;
    definition.choices = question.choices.map(function (choice, cIndex) {
      return { id: String(cIndex), description: { 'en-US': text(choice.text) } };
    });
    definition.correctResponsesPattern = question.choices
      .map(function (choice, cIndex) { return choice.correct ? String(cIndex) : null; })
      .filter(function (value) { return value !== null; });
    event.setScoredResult(right ? 1 : 0, 1, this, true, right);
    event.data.statement.result.response = String(index);
    this.trigger(event);
  };

  PeerCheck.prototype.answeredOpen = function (words) {
    var event = this.questionEvent(this.open.id, this.open.text, 'long-fill-in');
    event.data.statement.result = { response: words, completion: true };
    this.trigger(event);
  };

  return PeerCheck;
})(H5P.EventDispatcher);
