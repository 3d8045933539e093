import type { Dashboard } from '@grafana/schema';
export const dashboard: Dashboard = {
  "title": "ChaseBot",
  "uid": "chasebot",
  "description": "ChaseBot's Bot and Worker: money overdue, delivery, the books, chat. Metrics from /metrics (docs/deploy.md#metrics).",
  "tags": [
    "chasebot"
  ],
  "editable": true,
  "schemaVersion": 39,
  "version": 1,
  "graphTooltip": 1,
  "time": {
    "from": "now-24h",
    "to": "now"
  },
  "timezone": "browser",
  "refresh": "1m",
  "templating": {
    "list": [
      {
        "name": "datasource",
        "label": "Prometheus",
        "type": "datasource",
        "query": "prometheus",
        "hide": 0
      },
      {
        "name": "job",
        "label": "Job",
        "type": "query",
        "datasource": {
          "type": "prometheus",
          "uid": "${datasource}"
        },
        "query": "label_values(chasebot_outbox_depth, job)",
        "definition": "label_values(chasebot_outbox_depth, job)",
        "includeAll": true,
        "multi": true,
        "refresh": 1,
        "hide": 0
      }
    ]
  },
  "annotations": {
    "list": []
  },
  "panels": [
    {
      "id": 1,
      "type": "row",
      "title": "Money",
      "collapsed": false,
      "gridPos": {
        "x": 0,
        "y": 0,
        "w": 24,
        "h": 1
      },
      "panels": []
    },
    {
      "id": 2,
      "type": "timeseries",
      "title": "Overdue by age",
      "description": "What is overdue, per currency and days past due (read from the ledger by every Bot and Worker alike, so the max; no client is named).",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 0,
        "y": 1,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "max by (currency, bucket) (chasebot_overdue_amount{job=~\"$job\"})",
          "legendFormat": "{{currency}} {{bucket}}"
        }
      ]
    },
    {
      "id": 3,
      "type": "timeseries",
      "title": "Proposals by state",
      "description": "Escalation proposals: pending ones wait for an approver.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 12,
        "y": 1,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "max by (state) (chasebot_proposals{job=~\"$job\"})",
          "legendFormat": "{{state}}"
        }
      ]
    },
    {
      "id": 4,
      "type": "row",
      "title": "Delivery",
      "collapsed": false,
      "gridPos": {
        "x": 0,
        "y": 9,
        "w": 24,
        "h": 1
      },
      "panels": []
    },
    {
      "id": 5,
      "type": "timeseries",
      "title": "Messages by platform and outcome",
      "description": "Posts and emails per minute: sent, held (the check before sending), retrying, dead-lettered.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 0,
        "y": 10,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "sum by (platform, outcome) (rate(chasebot_messages_total{job=~\"$job\"}[5m])) * 60",
          "legendFormat": "{{platform}} {{outcome}}"
        }
      ]
    },
    {
      "id": 6,
      "type": "timeseries",
      "title": "Outbox depth and oldest waiting message",
      "description": "A growing depth or age means a platform is refusing or the Worker is not draining.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 12,
        "y": 10,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "max(chasebot_outbox_depth{job=~\"$job\"})",
          "legendFormat": "waiting"
        },
        {
          "refId": "B",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "max(chasebot_outbox_oldest_age_seconds{job=~\"$job\"})",
          "legendFormat": "oldest (s)"
        }
      ]
    },
    {
      "id": 7,
      "type": "row",
      "title": "Books",
      "collapsed": false,
      "gridPos": {
        "x": 0,
        "y": 18,
        "w": 24,
        "h": 1
      },
      "panels": []
    },
    {
      "id": 8,
      "type": "timeseries",
      "title": "Import and sync duration (p95)",
      "description": "How long an export file import (files) or a sync of connected books takes.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 0,
        "y": 19,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "histogram_quantile(0.95, sum by (le, source) (rate(chasebot_import_duration_seconds_bucket{job=~\"$job\"}[15m])))",
          "legendFormat": "{{source}}"
        }
      ]
    },
    {
      "id": 9,
      "type": "timeseries",
      "title": "Since the last import that worked",
      "description": "Past Sources:MaxStaleness, emails about those books are held until a sync works.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 12,
        "y": 19,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "min by (source) (chasebot_import_lag_seconds{job=~\"$job\"})",
          "legendFormat": "{{source}}"
        }
      ]
    },
    {
      "id": 10,
      "type": "row",
      "title": "Chat and safety",
      "collapsed": false,
      "gridPos": {
        "x": 0,
        "y": 27,
        "w": 24,
        "h": 1
      },
      "panels": []
    },
    {
      "id": 11,
      "type": "timeseries",
      "title": "Status answers and latency (p95)",
      "description": "/chase status and the Home tab: answers per minute and how long the slowest take.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 0,
        "y": 28,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "sum by (surface) (rate(chasebot_status_answers_total{job=~\"$job\"}[5m])) * 60",
          "legendFormat": "{{surface}} per minute"
        },
        {
          "refId": "B",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "histogram_quantile(0.95, sum by (le, surface) (rate(chasebot_status_latency_seconds_bucket{job=~\"$job\"}[5m])))",
          "legendFormat": "{{surface}} p95 (s)"
        }
      ]
    },
    {
      "id": 12,
      "type": "timeseries",
      "title": "Refused requests",
      "description": "Requests whose signature or token did not check out, by endpoint: a burst is a misconfigured secret or someone probing.",
      "datasource": {
        "type": "prometheus",
        "uid": "${datasource}"
      },
      "gridPos": {
        "x": 12,
        "y": 28,
        "w": 12,
        "h": 8
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short"
        },
        "overrides": []
      },
      "options": {},
      "targets": [
        {
          "refId": "A",
          "datasource": {
            "type": "prometheus",
            "uid": "${datasource}"
          },
          "expr": "sum by (endpoint) (rate(chasebot_refused_requests_total{job=~\"$job\"}[5m])) * 60",
          "legendFormat": "{{endpoint}}"
        }
      ]
    }
  ]
};
