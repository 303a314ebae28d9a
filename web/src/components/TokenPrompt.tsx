// Sign in with an agent token, for servers run with `--auth required`.

import { useState } from 'react'

import { setToken, type AuthNeed } from '../api/auth'

export function TokenPrompt({ need }: { need: AuthNeed }) {
  const [value, setValue] = useState('')
  return (
    <div className="modal-backdrop">
      <form
        className="modal token-prompt"
        role="dialog"
        aria-modal="true"
        aria-label="Sign in"
        data-testid="token-prompt"
        onSubmit={(e) => {
          e.preventDefault()
          if (value.trim()) setToken(value.trim())
        }}
      >
        <header className="modal-header">
          <h2>Sign in to Tix</h2>
        </header>
        <div className="modal-body">
          {need === 'invalid_token' ? (
            <p className="error-box">The server did not accept that token. Check it, or ask for a new one.</p>
          ) : (
            <p>This Tix server asks who you are. Paste your agent token; it is kept in this browser until you sign out.</p>
          )}
          <label className="field">
            <span>Agent token</span>
            <input
              type="password"
              autoComplete="current-password"
              autoFocus
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder="tix_…"
              data-testid="token-input"
            />
          </label>
          <p className="muted small">
            An administrator makes one with <code>tix agent add YOUR-NAME</code> (it is shown once).
          </p>
        </div>
        <footer className="modal-footer">
          <button type="submit" className="primary" disabled={!value.trim()} data-testid="token-submit">
            Sign in
          </button>
        </footer>
      </form>
    </div>
  )
}
