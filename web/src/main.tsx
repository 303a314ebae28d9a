import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

import { App } from './App'
import { applyInitialTheme } from './hooks/useTheme'
import './styles/base.css'
import './styles/layout.css'
import './styles/badges.css'
import './styles/board.css'
import './styles/components.css'
import './styles/modal.css'
import './styles/toasts.css'
import './styles/drawer.css'
import './styles/graph.css'
import './styles/search.css'
import './styles/stats.css'
import './styles/runs.css'
import './styles/theme.css'
import './styles/responsive.css'

applyInitialTheme()
const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}
