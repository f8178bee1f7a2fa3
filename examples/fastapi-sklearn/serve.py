"""FastAPI + scikit-learn baseline for `npm run bench:serving`.

Trains a scikit-learn LogisticRegression on German credit's 20 features at start (numbers scaled,
categories one-hot, as Switchyard's trained models do) and serves POST /predict with the body and
answer of Switchyard's `/v1/endpoints/{e}/predict` instances form:

    {"instances": [{"duration": 6, "amount": 1169, ..., "checking_account_status": "lt.0", ...}]}
    -> {"predictions": [0.18], "model_version": 1, "variant": "sklearn", "id": "..."}

Run with Debian's packages (python3-fastapi python3-uvicorn python3-sklearn) and /usr/bin/python3:

    /usr/bin/python3 -m uvicorn serve:app --app-dir examples/fastapi-sklearn --workers 1 --no-access-log
"""
import csv
import os
import uuid
from typing import Dict, List, Union

from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("GERMAN_CREDIT_CSV", os.path.join(HERE, "..", "..", "fixtures", "german_credit.csv"))
TARGET, POSITIVE = "credit_risk", "bad"


def load(path):
    with open(path, newline="") as f:
        records = list(csv.DictReader(f))
    rows, labels = [], []
    for r in records:
        row = {}
        for k, v in r.items():
            if k == TARGET:
                continue
            try:
                row[k] = float(v)
            except ValueError:
                row[k] = v  # a category: DictVectorizer one-hots strings
        rows.append(row)
        labels.append(1 if r[TARGET] == POSITIVE else 0)
    return rows, labels


rows, labels = load(DATA)
model = make_pipeline(DictVectorizer(sparse=False), StandardScaler(), LogisticRegression(max_iter=1000))
model.fit(rows, labels)

app = FastAPI()


class PredictRequest(BaseModel):
    instances: List[Dict[str, Union[float, str]]]


@app.post("/predict")
def predict(body: PredictRequest):
    probabilities = model.predict_proba(body.instances)[:, 1]
    return {"predictions": [float(p) for p in probabilities], "model_version": 1, "variant": "sklearn", "id": str(uuid.uuid4())}
