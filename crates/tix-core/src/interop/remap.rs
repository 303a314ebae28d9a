//! Renaming a file's ids for an import under new ids (the store draws them;
//! this applies them): tickets, tasks and runs, and every place that names
//! one (blockers, parents, links, task descriptions' `TICKET: ticket-xxx`,
//! history details, runs' tasks).

use std::collections::HashMap;

use serde_json::Value;

use super::ExportFile;

/// Old id → new id, per kind. Ids not in a map are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    pub workflow: Option<(String, String)>,
    pub tickets: HashMap<String, String>,
    pub tasks: HashMap<String, String>,
    pub runs: HashMap<String, String>,
}

impl IdMap {
    fn any(&self, id: &str) -> Option<&String> {
        self.tickets
            .get(id)
            .or_else(|| self.tasks.get(id))
            .or_else(|| self.runs.get(id))
            .or_else(|| self.workflow.as_ref().filter(|(old, _)| old == id).map(|(_, new)| new))
    }

    fn ticket(&self, id: &mut String) {
        if let Some(new) = self.tickets.get(id.as_str()) {
            *id = new.clone();
        }
    }
}

/// Replaces every string in `value` that is exactly an old id.
fn remap_json(value: &mut Value, map: &IdMap) {
    match value {
        Value::String(text) => {
            if let Some(new) = map.any(text) {
                *text = new.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| remap_json(v, map)),
        Value::Object(fields) => fields.values_mut().for_each(|v| remap_json(v, map)),
        _ => {}
    }
}

/// Applies `map` to the whole file.
pub fn remap(file: &mut ExportFile, map: &IdMap) {
    if let Some((old, new)) = &map.workflow {
        if &file.header.workflow_id == old {
            file.header.workflow_id = new.clone();
        }
        if let Some(workflow) = file.workflow.as_mut() {
            workflow.id = new.clone();
        }
    }
    for entry in &mut file.tickets {
        let t = &mut entry.ticket;
        let old_id = t.id.clone();
        map.ticket(&mut t.id);
        if let Some(parent) = t.parent_id.as_mut() {
            map.ticket(parent);
        }
        for link in &mut t.links {
            map.ticket(&mut link.target);
        }
        for edge in &mut t.blocked_by {
            map.ticket(&mut edge.blocker_id);
        }
        for row in &mut t.history {
            remap_json(&mut row.details, map);
        }
        for task in &mut t.tasks {
            if let Some(new) = map.tasks.get(&task.task_id) {
                task.task_id = new.clone();
            }
            if old_id != t.id {
                task.description = task.description.replace(&old_id, &t.id);
            }
        }
        for run in &mut t.runs {
            if let Some(new) = map.runs.get(&run.run_id) {
                run.run_id = new.clone();
            }
            if let Some(task) = run.task_id.as_mut() {
                if let Some(new) = map.tasks.get(task.as_str()) {
                    *task = new.clone();
                }
            }
        }
    }
}
