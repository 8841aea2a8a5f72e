// The example form, better with JavaScript. "Lijkt op…" lists published examples like the
// title and summary being typed, so that a duplicate is seen before it is submitted. The
// text is saved as one types (a few seconds after the last key, at least every quarter
// minute, and on leaving the page). What the server could not take yet (no connection, a
// session that expired) waits in this browser and fills the form again when it opens, even
// after logging in anew. Without JavaScript the form works as it always did.
(function () {
  "use strict";
  var form = document.querySelector("form.example-form[data-autosave]");
  if (!form) {
    return;
  }
  var data = form.dataset;
  var status = document.getElementById("autosave-status");
  var similarBox = document.getElementById("similar");
  var QUIET = 3000; // milliseconds without typing before the text is saved
  var LONGEST = 15000; // milliseconds of typing on end before it is saved anyway
  var CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
  var dirty = false;
  var sending = false;
  var submitting = false;
  var timer = null;
  var typingSince = 0;
  var skew = 0; // the server's clock minus this browser's, learnt from each save

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage switched off: the server's copy is all there is
    }
  }

  function typed() {
    var body = new FormData(form);
    body.delete("action");
    return body;
  }

  function pairs() {
    var list = [];
    typed().forEach(function (value, name) {
      if (name !== "csrf_token") {
        list.push([name, value]);
      }
    });
    return list;
  }

  function keep() {
    var store = storage();
    if (store) {
      try {
        store.setItem(data.store, JSON.stringify({saved: Date.now() + skew, fields: pairs()}));
      } catch (error) {
        // full or refused: the server's copy has to do
      }
    }
  }

  function forgetKept() {
    var store = storage();
    if (store) {
      store.removeItem(data.store);
    }
  }

  function clock(date) {
    return date.toLocaleTimeString(document.documentElement.lang || "nl",
                                   {hour: "2-digit", minute: "2-digit"});
  }

  function say(text, withLogin) {
    status.textContent = text;
    if (withLogin) {
      var link = document.createElement("a");
      link.href = data.login;
      link.textContent = data.msgLogin;
      status.append(" ", link);
    }
  }

  function problems(answer) {
    var fields = (answer.error || {}).fields || {};
    return Object.keys(fields).map(function (name) {
      return name + ": " + fields[name];
    }).join("; ");
  }

  function answered(response, answer) {
    if (response.status === 200) {
      skew = new Date(answer.saved_at).getTime() - Date.now();
      form.elements.csrf_token.value = answer.csrf_token;
      if (!dirty) {
        forgetKept();
      }
      say(data.msgSaved.replace("{time}", clock(new Date(answer.saved_at))));
    } else if (response.status === 400 && problems(answer)) {
      say(data.msgRefused.replace("{problem}", problems(answer)));
    } else if ([400, 401, 403].indexOf(response.status) >= 0) {
      say(data.msgExpired, true); // no session, or its form token is gone with it
    } else {
      dirty = true; // too busy or too often: the next keystroke or timer tries again
      say(data.msgOffline);
    }
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (!dirty || sending || submitting) {
      return;
    }
    dirty = false;
    typingSince = 0;
    sending = true;
    fetch(data.autosave, {method: "POST", body: typed(), credentials: "same-origin",
                          headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () {
          return {};
        }).then(function (answer) {
          answered(response, answer);
        });
      })
      .catch(function () {
        dirty = true;
        say(data.msgOffline);
      })
      .finally(function () {
        sending = false;
      });
  }

  function changed() {
    dirty = true;
    keep();
    var now = Date.now();
    typingSince = typingSince || now;
    clearTimeout(timer);
    timer = setTimeout(save, now - typingSince > LONGEST ? 0 : QUIET);
  }

  function leaving() {
    if (dirty && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(data.autosave, typed()); // the kept copy stays, in case
    }
  }

  function restore() {
    var store = storage();
    var kept = store && JSON.parse(store.getItem(data.store) || "null");
    if (!kept) {
      return;
    }
    if (kept.saved <= Number(data.saved)) {
      forgetKept(); // the server has this text, or a newer one
      return;
    }
    dirty = true;
    if (JSON.stringify(kept.fields) === JSON.stringify(pairs())) {
      save(); // the page shows this text already (a preview, a refusal): only send it
      return;
    }
    var names = {};
    kept.fields.forEach(function (pair) {
      names[pair[0]] = true;
    });
    Array.from(form.elements).forEach(function (element) {
      if (!element.name || element.name === "csrf_token" || element.type === "submit") {
        return;
      }
      var values = kept.fields.filter(function (pair) {
        return pair[0] === element.name;
      }).map(function (pair) {
        return pair[1];
      });
      if (element.type === "checkbox") {
        element.checked = values.indexOf(element.value) >= 0;
      } else if (names[element.name]) {
        element.value = values[0];
      }
    });
    say(data.msgRestored.replace("{time}", clock(new Date(kept.saved))));
    save();
  }

  var lastAsked = "";
  var similarTimer = null;

  function showSimilar(answer) {
    similarBox.textContent = "";
    if (!answer || !answer.results.length) {
      return;
    }
    var heading = document.createElement("p");
    heading.className = "similar-heading";
    heading.textContent = data.msgSimilar;
    var list = document.createElement("ul");
    answer.results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = result.title;
      var note = document.createElement("span");
      note.className = "visually-hidden";
      note.textContent = " " + data.msgNewTab;
      link.append(note);
      var source = document.createElement("span");
      source.className = "similar-source";
      source.textContent = " " + [result.organisation, result.year].filter(Boolean).join(", ");
      item.append(link, source);
      list.append(item);
    });
    similarBox.append(heading, list);
  }

  function askSimilar() {
    var params = new URLSearchParams({
      title: form.elements.title.value.replace(CONTROL, " ").slice(0, 200),
      summary: form.elements.summary.value.replace(CONTROL, " ").slice(0, 600)
    });
    if (data.exclude) {
      params.set("exclude", data.exclude);
    }
    var asked = params.toString();
    if (asked === lastAsked) {
      return;
    }
    lastAsked = asked;
    fetch(data.similar + "?" + asked, {headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer && asked === lastAsked) {
          showSimilar(answer);
        }
      })
      .catch(function () {
        // no suggestions this time; writing goes on
      });
  }

  form.addEventListener("input", function (event) {
    changed();
    if (event.target.name === "title" || event.target.name === "summary") {
      clearTimeout(similarTimer);
      similarTimer = setTimeout(askSimilar, 600);
    }
  });
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    submitting = true;
    keep(); // should the session have expired, the text is still here after logging in
  });
  document.querySelectorAll("form[data-discards]").forEach(function (discard) {
    discard.addEventListener("submit", function () {
      submitting = true; // thrown away: neither kept here nor sent on leaving
      forgetKept();
    });
  });
  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      leaving();
    }
  });
  restore();
  if (form.elements.title.value || form.elements.summary.value) {
    askSimilar();
  }
}());
