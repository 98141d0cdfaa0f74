"""A small items API backed by PostgreSQL."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from psycopg2 import errorcodes
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .db import get_session
from .models import Item, Review
from .schemas import ItemCreate, ItemDetail, ItemOut, ReviewCreate, ReviewOut

router = APIRouter(prefix="/api", tags=["items"])


def _get_item_or_404(session: Session, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"item {item_id} not found")
    return item


@router.get("/items", response_model=List[ItemOut])
def list_items(
    category: Optional[str] = Query(None, max_length=50),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
    session: Session = Depends(get_session),
) -> List[Item]:
    query = select(Item).order_by(Item.id).limit(limit).offset(offset)
    if category is not None:
        query = query.where(Item.category == category)
    return list(session.scalars(query))


@router.post("/items", response_model=ItemOut, status_code=status.HTTP_201_CREATED)
def create_item(
    body: ItemCreate, request: Request, session: Session = Depends(get_session)
) -> Item:
    item = Item(name=body.name, description=body.description, category=body.category)
    session.add(item)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        if getattr(error.orig, "pgcode", None) == errorcodes.UNIQUE_VIOLATION:
            raise HTTPException(
                status.HTTP_409_CONFLICT, f"an item named {body.name!r} already exists"
            ) from None
        raise
    session.refresh(item)
    request.app.state.metrics.item_created()
    return item


@router.get("/items/{item_id}", response_model=ItemDetail)
def get_item(item_id: int, session: Session = Depends(get_session)) -> Item:
    item = session.scalars(
        select(Item).where(Item.id == item_id).options(selectinload(Item.reviews))
    ).first()
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"item {item_id} not found")
    return item


@router.delete(
    "/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
def delete_item(item_id: int, session: Session = Depends(get_session)) -> Response:
    item = _get_item_or_404(session, item_id)
    session.delete(item)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/items/{item_id}/reviews", response_model=List[ReviewOut])
def list_reviews(item_id: int, session: Session = Depends(get_session)) -> List[Review]:
    _get_item_or_404(session, item_id)
    return list(session.scalars(select(Review).where(Review.item_id == item_id).order_by(Review.id)))


@router.post(
    "/items/{item_id}/reviews", response_model=ReviewOut, status_code=status.HTTP_201_CREATED
)
def create_review(
    item_id: int, body: ReviewCreate, session: Session = Depends(get_session)
) -> Review:
    _get_item_or_404(session, item_id)
    review = Review(item_id=item_id, rating=body.rating, comment=body.comment)
    session.add(review)
    session.commit()
    session.refresh(review)
    return review
