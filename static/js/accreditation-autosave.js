// Saves the scoresheet's draft as the assessor types. The page works without it: "Save draft" posts the same
// form. When a save fails (a lost connection), the form is kept in this browser and sent again when the
// connection returns or on the next change, so nothing typed is lost.
(function () {
  var form = document.querySelector('[data-module="app-autosave"]')
  if (!form || !window.fetch || !window.FormData) return
  var url = form.getAttribute('data-autosave-url')
  var status = form.querySelector('[data-autosave-status]')
  var key = 'app-autosave:' + url
  var timer = null
  var pending = false
  var saving = false

  function say (text) { if (status) status.textContent = text }

  function fields () {
    var data = new FormData(form)
    data.delete('action')
    return data
  }

  function save () {
    timer = null
    if (saving) { pending = true; return }
    saving = true
    var data = fields()
    fetch(url, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': data.get('csrfmiddlewaretoken'), Accept: 'application/json' }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body } })
    }).then(function (result) {
      if (result.ok) {
        try { window.localStorage.removeItem(key) } catch (e) {}
        // Only claim the draft is saved when no later change is still waiting to be sent.
        if (!timer && !pending) say('Draft saved at ' + result.body.saved_at + '.')
      } else {
        say('Draft not saved: ' + (result.body.error || 'try “Save draft”.'))
      }
    }).catch(function () {
      try {
        var copy = {}
        fields().forEach(function (value, name) { if (name !== 'csrfmiddlewaretoken') copy[name] = value })
        window.localStorage.setItem(key, JSON.stringify(copy))
      } catch (e) {}
      say('No connection. Your draft is kept in this browser and will be saved when the connection returns.')
    }).then(function () {
      saving = false
      if (pending) { pending = false; save() }
    })
  }

  function schedule (delay) {
    if (timer) window.clearTimeout(timer)
    // A change since the last save makes "Draft saved at" untrue until the next save lands.
    say('')
    timer = window.setTimeout(save, delay)
  }

  // A draft kept while offline goes back into the form (it is newer than the server's copy) and is sent.
  try {
    var kept = JSON.parse(window.localStorage.getItem(key) || 'null')
    if (kept) {
      Object.keys(kept).forEach(function (name) {
        var inputs = form.querySelectorAll('[name="' + name + '"]')
        inputs.forEach(function (input) {
          if (input.type === 'radio') input.checked = input.value === kept[name]
          else input.value = kept[name]
        })
      })
      schedule(0)
    }
  } catch (e) {}

  form.addEventListener('input', function () { schedule(800) })
  form.addEventListener('change', function () { schedule(300) })
  window.addEventListener('online', function () { schedule(0) })
})()
